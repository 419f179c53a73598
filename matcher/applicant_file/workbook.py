"""Reading the first sheet of an untrusted .xlsx upload in bounded time and memory.

A workbook is a zip of XML parts, and nothing in it can be trusted: the sheet's declared size
(``<dimension ref="A1:XFD1048576"/>``), the number of rows, or how far a part unpacks. So the
reading goes in three steps, each bounded before the next one runs:

1. the zip's directory: every XML part's unpacked size is capped before anything is unpacked
   (Python's zip reader never returns more than a part's declared size, so a lying header only
   yields a CRC error);
2. a streaming scan of the first sheet with expat, keeping nothing but counters: it refuses a
   document type declaration, a row with more cells than Excel allows, and any value past the
   row or column limit, stopping at the first;
3. openpyxl in read-only mode, with the declared dimension discarded and the rows and columns
   asked for bounded by the limits, so it never pads rows to the declared size.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from matcher.applicant_file.errors import ApplicantFileError
from matcher.applicant_file.limits import (
    EXCEL_MAX_COLUMNS,
    MAX_PART_XML,
    MAX_PARTS,
    FileLimits,
    too_large_unpacked,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)

Row = tuple[int, tuple[str, ...]]
_CHUNK = 64 * 1024


def xlsx_rows(data: bytes, limits: FileLimits) -> list[Row]:
    """The rows of the first sheet that hold text, numbered like the spreadsheet, cells as text.

    Raises :class:`ApplicantFileError` for a damaged workbook or one beyond ``limits``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise unreadable_workbook(exc) from None
    with archive:
        _check_parts(archive, limits)
    # An upload is untrusted: a damaged or hostile workbook can fail deep inside openpyxl or
    # the XML parser with many exception types, and each must become one plain refusal.
    try:
        # data_only: formulas are never evaluated, only the values Excel last saved are read.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise unreadable_workbook(exc) from None
    try:
        if not workbook.worksheets:
            raise ApplicantFileError("This workbook has no sheets.")
        sheet: object = workbook.worksheets[0]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise ApplicantFileError(
                "The first sheet of this workbook is a chart, not a table: move the applicants' "
                "sheet to the front."
            )
        # openpyxl keeps the sheet's part name privately; the scan must read that same part.
        part: str = vars(sheet)["_worksheet_path"]
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part) as source:
            _scan_sheet(source, limits)
        # The declared dimension is the attacker's number: forget it, and bound what is asked.
        sheet.reset_dimensions()
        # The stubs type ReadOnlyWorksheet.iter_rows as Worksheet's method (which it borrows).
        rows = sheet.iter_rows(  # type: ignore[misc]
            min_row=1, max_row=limits.last_row, max_col=limits.max_columns, values_only=True
        )
        return list(_texts(rows))
    except ApplicantFileError:
        raise
    except Exception as exc:
        raise unreadable_workbook(exc) from None
    finally:
        workbook.close()


def unreadable_workbook(exc: Exception) -> ApplicantFileError:
    return ApplicantFileError(
        f"This .xlsx file cannot be opened as an Excel workbook ({exc.__class__.__name__}). "
        'Open it in Excel and save it again as "Excel Workbook (.xlsx)".'
    )


def _check_parts(archive: zipfile.ZipFile, limits: FileLimits) -> None:
    """Refuse before unpacking anything: openpyxl reads every part but the sheets whole."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise ApplicantFileError(
            f"This workbook has {len(parts):,} parts; an applicants workbook has a few dozen. "
            "Save it again as CSV UTF-8."
        )
    for part in parts:
        name = part.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue  # pictures and the like are never read in read-only mode
        sheet = name.startswith("xl/worksheets/")
        limit = limits.max_sheet_xml if sheet else MAX_PART_XML
        if part.file_size > limit:
            what = "sheet" if sheet else f"part {part.filename!r}"
            raise ApplicantFileError(too_large_unpacked(what, part.file_size, limit))


class _SheetScan:
    """Expat callbacks that track only the current row and column (constant memory)."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self.row = 0
        self.column = 0
        self.cells = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            number = attrs.get("r", "")
            # Like openpyxl: a row without its number follows the one before.
            self.row = int(number) if number.isdecimal() else self.row + 1
            self.column = self.cells = 0
        elif local == "c":
            self.cells += 1
            if self.cells > EXCEL_MAX_COLUMNS:
                raise ApplicantFileError(too_many_cells(self.row))
            self.column = _column_number(attrs.get("r", "")) or self.column + 1
        elif local in ("v", "is"):
            if self.row > self.limits.last_row:
                raise ApplicantFileError(too_many_rows(self.limits, self.row))
            if self.column > self.limits.max_columns:
                raise ApplicantFileError(too_many_columns(self.limits, self.row, self.column))


def _scan_sheet(source: IO[bytes], limits: FileLimits) -> None:
    scan = _SheetScan(limits)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _no_doctype
    while chunk := source.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _no_doctype(*_args: object) -> None:
    # A sheet never needs one; entity declarations are how XML expands a little into a lot.
    raise ApplicantFileError(
        "This workbook's sheet declares a document type, which Excel never writes. Open it in "
        'Excel and save it again as "Excel Workbook (.xlsx)".'
    )


def _column_number(reference: str) -> int:
    """``AB12`` → 28; 0 when the reference has no letters (then the cell follows the last)."""
    number = 0
    for char in reference:
        if not ("A" <= char <= "Z"):
            break
        number = number * 26 + ord(char) - ord("A") + 1
    return number


def _texts(rows: Iterator[tuple[object, ...]]) -> Iterator[Row]:
    """Rows with text only, trailing empty cells dropped (the limits padded every row)."""
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if any(cell.strip() for cell in cells):
            yield number, tuple(cells)


def _cell_text(value: object) -> str:
    """Write a cell value the way a person reading the sheet sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)
