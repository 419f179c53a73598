"""Applicant files from rows: the contract's columns and writers to CSV and XLSX bytes.

Shared by the test builders (`applicant_file.sample`, `importing.files`, the CLI preview tests).
Deliberately free of Faker, so importing it never reseeds anyone's generated names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

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
    sheet = workbook.active
    for line in table(rows, header):
        sheet.append([int(cell) if cell.isdecimal() else (cell or None) for cell in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
