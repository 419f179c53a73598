"""How much of an uploaded file is read at most, so that a hostile file costs seconds, not gigabytes.

A contract file is small (a semester has hundreds of applicants), while a 2 kB workbook can
declare a million rows and a 3 MB one can unpack to gigabytes. Every limit below is checked
while reading, before the rows are kept, so reading stops at the first one crossed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_ROWS = 20_000
# The contract has 15 columns; form exports add their own (timestamps, questions), so room is left.
DEFAULT_MAX_COLUMNS = 100
# A 20,000-row sheet written by openpyxl unpacks to about 13 MB of XML; Excel's is smaller.
DEFAULT_MAX_SHEET_XML = 64 * MB
# Styles, shared strings, workbook and relationship parts are each read whole by openpyxl.
MAX_PART_XML = 16 * MB
MAX_PARTS = 1000
# Excel's own bounds: a cell address beyond them is not something Excel wrote.
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class FileLimits:
    """The bounds one reading enforces; the app config (``IMPORT_MAX_*``) can change them."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_columns: int = DEFAULT_MAX_COLUMNS
    max_sheet_xml: int = DEFAULT_MAX_SHEET_XML

    @property
    def last_row(self) -> int:
        """The last spreadsheet row that may hold data: the header plus ``max_rows`` applicants."""
        return self.max_rows + 1

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **overrides: int | None) -> FileLimits:
        """The limits an app is configured with; ``overrides`` that are not None win (CLI options)."""
        values = {
            "max_bytes": int(config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)),
            "max_rows": int(config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
            "max_columns": int(config.get("IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)),
            "max_sheet_xml": int(config.get("IMPORT_MAX_SHEET_XML", DEFAULT_MAX_SHEET_XML)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def too_many_rows(limits: FileLimits, row: int | None = None) -> str:
    where = f"Row {row:,} has data" if row else f"The file has data after row {limits.last_row:,}"
    return (
        f"{where}, but at most {limits.max_rows:,} applicants (rows 2 to "
        f"{limits.last_row:,}) are read from one file. Split it into smaller files."
    )


def too_many_cells(row: int) -> str:
    return (
        f"Row {row:,} has more than {EXCEL_MAX_COLUMNS:,} cells, more than Excel allows. "
        "Save the sheet again from Excel."
    )


def too_many_columns(limits: FileLimits, row: int, column: int) -> str:
    return (
        f"Row {row:,} has data in column {column:,}, but at most {limits.max_columns} columns "
        "are read. Delete the columns that are not part of the applicants format."
    )


def too_large_unpacked(what: str, size: int, limit: int) -> str:
    return (
        f"This workbook's {what} unpacks to {size / MB:,.1f} MB, over the limit of "
        f"{limit / MB:,.0f} MB. Save only the applicants' sheet, or save it as CSV UTF-8."
    )
