"""Applicant files from rows: the contract's columns and writers to CSV and XLSX bytes.

Shared by the test builders (`applicant_file.sample`, `importing.files`, the CLI preview tests).
Deliberately free of Faker, so importing it never reseeds anyone's generated names.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

HEADER = [
    "role",
    "display_name",
    "email",
    "timezone",
    "availability",
    "goals",
    "level",
    "gender",
    "gender_preference",
    "korean",
    "in_person",
    "capacity",
    "continue_with",
]
# openpyxl stamps a new workbook, and zipfile each member, with the current time. A test file
# must depend only on its cells: Hypothesis replays an example by making the same draws, and a
# strategy that then draws a position in the file needs the file to be the same length again.
FIXED_TIME = datetime(2027, 1, 4, 9, 0, 0)


def table(rows: list[dict[str, str]], header: Sequence[str] | None = None) -> list[list[str]]:
    """Header row first, then each row's cells in the header's order (missing cells empty)."""
    header = HEADER if header is None else header
    return [list(header)] + [[row.get(name.strip().lower(), "") for name in header] for row in rows]


def to_csv(
    rows: list[dict[str, str]],
    header: Sequence[str] | None = None,
    *,
    bom: bool = False,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(table(rows, header))
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def to_xlsx(rows: list[dict[str, str]], header: Sequence[str] | None = None) -> bytes:
    """A workbook whose first sheet holds the same cells; capacity as a number, like Excel."""
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    for line in table(rows, header):
        sheet.append([int(cell) if cell.isdecimal() else (cell or None) for cell in line])
    out = io.BytesIO()
    # openpyxl's ExcelWriter.save, without save_workbook's "modified: now"
    ExcelWriter(workbook, _DatedZip(out, "w", zipfile.ZIP_DEFLATED)).save()
    return out.getvalue()


class _DatedZip(zipfile.ZipFile):
    """A zip archive whose members are all dated FIXED_TIME rather than when they were written."""

    def writestr(
        self, name: str | zipfile.ZipInfo, data: str | bytes, *args: Any, **kwargs: Any
    ) -> None:
        if isinstance(name, str):
            name = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            name.compress_type = self.compression
        super().writestr(name, data, *args, **kwargs)
