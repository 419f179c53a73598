"""Hostile applicant files, built by hand so that each is small on disk and exactly as nasty as meant.

Shared by the reading tests and `bench/hostile_files.py` (which adds `tests/` to its path).
Workbooks are written part by part (no openpyxl), because openpyxl would correct the very
things under test: the declared dimension, row numbers, part sizes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from applicant_file import sheets

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Applicants" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell(row: int, column: int, text: str) -> str:
    ref = f"{column_letters(column)}{row}"
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row_xml(number: int, texts: Iterable[str], first_column: int = 1) -> str:
    cells = "".join(cell(number, first_column + i, text) for i, text in enumerate(texts))
    return f'<row r="{number}">{cells}</row>'


def workbook(
    rows: Iterable[str],
    *,
    dimension: str = "A1",
    doctype: str = "",
    extra_parts: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook whose first sheet is ``rows`` (``<row>`` XML strings), streamed into the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, content in (extra_parts or {}).items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.format(doctype=doctype, dimension=dimension).encode())
            for chunk in _chunks(rows):
                sheet.write(chunk)
            sheet.write(_SHEET_TAIL.encode())
    return out.getvalue()


def _chunks(rows: Iterable[str], size: int = 1 << 20) -> Iterator[bytes]:
    buffer: list[str] = []
    length = 0
    for row in rows:
        buffer.append(row)
        length += len(row)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    yield "".join(buffer).encode()


def header_row() -> str:
    return row_xml(1, sheets.HEADER)


def student_cells(n: int, email: str | None = None) -> list[str]:
    return [
        "student",
        f"Byeol {n}",
        email or f"hostile.student{n}@example.org",
        "Asia/Seoul",
        "Mon 19:00-21:00",
        "conversation",
        "beginner",
    ]


def declared_giant() -> bytes:
    """The issue's 1.7 kB workbook: a sheet claiming A1:XFD1048576, one cell in the last row."""
    return workbook(
        [header_row(), row_xml(1_048_576, ["x"], first_column=16_384)],
        dimension="A1:XFD1048576",
    )


def declared_giant_but_small() -> bytes:
    """A sound two-applicant sheet that merely declares the largest dimension Excel allows."""
    rows = [header_row(), row_xml(2, student_cells(2)), row_xml(3, student_cells(3))]
    return workbook(rows, dimension="A1:XFD1048576")


def identical_rows(count: int) -> bytes:
    """``count`` copies of one applicant after the header: tiny compressed, huge unpacked."""
    same = student_cells(0, "same.person@example.org")
    return workbook([header_row(), *(row_xml(n, same) for n in range(2, count + 2))])


def lazy_identical_rows(count: int) -> bytes:
    """As :func:`identical_rows`, generated lazily, and byte for byte identical (no row or cell
    numbers, which a sheet may leave out), so that 2,000,000 rows pack into a few megabytes."""
    same = student_cells(0, "same.person@example.org")
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(text)}</t></is></c>' for text in same)
    return workbook(
        _prepend(header_row(), (f"<row>{cells}</row>" for _ in range(count))),
        dimension=f"A1:G{count + 1}",
    )


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def one_row_of_many_cells(cells: int) -> bytes:
    """A row of empty, addressless cells: openpyxl would gather them all before yielding the row."""
    return workbook([header_row(), '<row r="2">' + "<c/>" * cells + "</row>"])


def value_in_column(column: int) -> bytes:
    return workbook([header_row(), row_xml(2, student_cells(2)), row_xml(3, ["x"], column)])


def bomb_part(megabytes: int) -> bytes:
    """A shared-strings part of ``megabytes`` of spaces: a few kilobytes in the zip."""
    payload = b'<?xml version="1.0"?><sst xmlns="x">' + b" " * (megabytes << 20) + b"</sst>"
    return workbook([header_row()], extra_parts={"xl/sharedStrings.xml": payload})


def with_doctype() -> bytes:
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    return workbook([header_row(), row_xml(2, student_cells(2))], doctype=doctype)


def duplicate_email_csv(count: int) -> bytes:
    """One email repeated ``count`` times, as a CSV of about 75 bytes a row."""
    rows = [
        dict(zip(sheets.HEADER, student_cells(n, "same.person@example.org"), strict=False))
        for n in range(count)
    ]
    return sheets.to_csv(rows)
