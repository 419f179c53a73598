"""Writing roster lines as CSV (UTF-8 with BOM) or as an XLSX workbook with one sheet per section."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from matcher.exports import neutralise, write_csv
from matcher.roster.table import SECTIONS

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def write_roster_csv(
    header: Sequence[str], lines: Sequence[Sequence[object]], stream: BinaryIO
) -> None:
    """The CSV as bytes: the shared writer does the BOM and neutralises every cell."""
    text = io.StringIO(newline="")
    write_csv(header, lines, text)
    stream.write(text.getvalue().encode("utf-8"))


def _xlsx_cell_text(value: object) -> str:
    """Text that neither openpyxl refuses nor a spreadsheet evaluates.

    Control characters XLSX cannot hold become U+FFFD *before* neutralising, so that dropping
    them can never uncover a leading ``=`` (``"\\x01=cmd"`` must not become ``"=cmd"``).
    """
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value)))


def write_roster_xlsx(
    header: Sequence[str], lines: Sequence[Sequence[object]], export_id: str, stream: BinaryIO
) -> None:
    """One sheet per section (all four, even when empty), the same columns, and no formula cells.

    The export id is in every row's ``export_id`` column and in the document properties: in
    ``identifier`` (Dublin Core's field for exactly this) and in ``keywords``, because Excel
    and LibreOffice show keywords ("Tags") in File → Properties but not the identifier.
    Every text cell is neutralised and then forced to the string type, so not even a value
    openpyxl would read as a formula (a leading ``=``) can become one; scores stay numbers.
    """
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    workbook.properties.identifier = export_id
    workbook.properties.keywords = export_id
    workbook.properties.title = "LELP Match roster"
    workbook.properties.description = f"LELP Match roster export {export_id}"
    workbook.properties.creator = "LELP Match"
    section_at = list(header).index("section")
    for section in SECTIONS:
        sheet = workbook.create_sheet(title=section)
        _write_row(sheet, 1, header)
        row_number = 2
        for line in lines:
            if line[section_at] == section:
                _write_row(sheet, row_number, line)
                row_number += 1
        sheet.freeze_panes = "A2"
    workbook.save(stream)


def _write_row(sheet: Worksheet, row_number: int, values: Sequence[object]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row_number, column=column)
        if value is None or value == "":
            continue
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            cell.value = value
            continue
        cell.value = _xlsx_cell_text(value)
        cell.data_type = "s"


def roster_bytes(
    fmt: str, header: Sequence[str], lines: Sequence[Sequence[object]], export_id: str
) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown roster format {fmt!r}")
    buffer = io.BytesIO()
    if fmt == "csv":
        write_roster_csv(header, lines, buffer)
    else:
        write_roster_xlsx(header, lines, export_id, buffer)
    return buffer.getvalue()
