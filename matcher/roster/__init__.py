"""The semester-end roster: pure lines from plain data, and the CSV/XLSX files made from them."""

from matcher.roster.files import (
    CSV_MEDIA_TYPE,
    FORMATS,
    XLSX_MEDIA_TYPE,
    roster_bytes,
    write_roster_csv,
    write_roster_xlsx,
)
from matcher.roster.table import (
    COLUMNS,
    CONTACT_COLUMNS,
    SECTIONS,
    RosterPair,
    RosterPerson,
    count_by_section,
    header,
    rows,
)

__all__ = [
    "COLUMNS",
    "CONTACT_COLUMNS",
    "CSV_MEDIA_TYPE",
    "FORMATS",
    "SECTIONS",
    "XLSX_MEDIA_TYPE",
    "RosterPair",
    "RosterPerson",
    "count_by_section",
    "header",
    "roster_bytes",
    "rows",
    "write_roster_csv",
    "write_roster_xlsx",
]
