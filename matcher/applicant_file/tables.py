"""Reading a CSV or XLSX upload into numbered rows of text cells, within the reading limits."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from matcher.applicant_file.decoding import decode_csv
from matcher.applicant_file.errors import ApplicantFileError
from matcher.applicant_file.limits import (
    EXCEL_MAX_COLUMNS,
    FileLimits,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from matcher.applicant_file.workbook import Row, xlsx_rows

XLSX = "xlsx"
# What is left of a CSV past its last allowed row may be blank lines and empty cells, no more.
_NO_DATA = ' \t\r\n,"'


@dataclass(frozen=True)
class Table:
    """The rows of a file that hold text, as ``(spreadsheet row number, cells)``; row 1 is the header.

    Blank rows are left out as they are read, so a file of blank lines costs no memory.
    ``encoding`` is how a CSV was decoded (``utf-8`` or ``cp949``), or ``xlsx`` for a workbook.
    """

    rows: tuple[Row, ...]
    encoding: str


def read_table(data: bytes, filename: str, limits: FileLimits) -> Table:
    """Read ``data`` as the kind of file its name says, after checking the size limit.

    The size is checked first so that an oversized upload costs nothing to refuse.
    """
    if len(data) > limits.max_bytes:
        raise ApplicantFileError(
            f"The file is {_megabytes(len(data))}, over the limit of "
            f"{_megabytes(limits.max_bytes)}. Split it into smaller files."
        )
    if not data.strip():
        raise ApplicantFileError(
            "The file is empty: it needs a header row and one row per applicant."
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        text, encoding = decode_csv(data)
        return Table(_csv_rows(text, limits), encoding)
    if suffix == ".xlsx":
        return Table(tuple(xlsx_rows(data, limits)), XLSX)
    raise ApplicantFileError(
        f'"{PurePath(filename).name}" is not a .csv or .xlsx file. Save the spreadsheet as '
        '"CSV UTF-8" or as an Excel workbook (.xlsx).'
    )


def size_error(size: int, max_bytes: int) -> ApplicantFileError:
    """The refusal for a file over the limit, shared by byte and path readers."""
    # The size is rounded up so that a file just over the limit never reads as equal to it.
    return ApplicantFileError(
        f"The file is {_megabytes(size, up=True)}, over the limit of {_megabytes(max_bytes)}. "
        "Split it into smaller files."
    )


def _megabytes(size: int, *, up: bool = False) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            tenths = size * 10 / scale
            return f"{(math.ceil(tenths) if up else math.floor(tenths)) / 10:.1f} {unit}"
    return f"{size} bytes"


def _csv_rows(text: str, limits: FileLimits) -> tuple[Row, ...]:
    """Records (a quoted cell may span lines), streamed so that neither a line of millions of
    commas nor millions of blank lines is ever held as cells: the first is refused by counting
    its commas, and after the last allowed row the rest of the text is only searched for data."""
    stream = io.StringIO(text, newline="")
    rows: list[Row] = []
    number = 0

    def lines() -> Iterator[str]:
        for line in stream:
            if line.count(",") >= EXCEL_MAX_COLUMNS:
                raise ApplicantFileError(too_many_cells(number + 1))
            yield line

    try:
        for cells in csv.reader(lines(), strict=True):
            number += 1
            while cells and not cells[-1]:
                cells.pop()
            if any(cell.strip() for cell in cells):
                if len(cells) > limits.max_columns:
                    raise ApplicantFileError(too_many_columns(limits, number, len(cells)))
                rows.append((number, tuple(cells)))
            if number == limits.last_row:
                if stream.read().strip(_NO_DATA):
                    raise ApplicantFileError(too_many_rows(limits))
                break
    except csv.Error as exc:
        raise ApplicantFileError(
            f"Row {number + 1} is not valid CSV ({exc}); check its quotation marks."
        ) from None
    return tuple(rows)
