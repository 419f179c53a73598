"""Reading a CSV or XLSX upload into plain rows of text cells, numbered like a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import PurePath

from openpyxl import load_workbook

from matcher.applicant_file.decoding import decode_csv
from matcher.applicant_file.errors import ApplicantFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
XLSX = "xlsx"


@dataclass(frozen=True)
class Table:
    """The cells of a file as text; ``rows[0]`` is spreadsheet row 1 (the header).

    ``encoding`` is how a CSV was decoded (``utf-8`` or ``cp949``), or ``xlsx`` for a workbook.
    """

    rows: tuple[tuple[str, ...], ...]
    encoding: str


def read_table(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """Read ``data`` as the kind of file its name says, after checking the size limit.

    The size is checked first so that an oversized upload costs nothing to refuse.
    """
    if len(data) > max_bytes:
        raise ApplicantFileError(
            f"The file is {_megabytes(len(data))}, over the limit of {_megabytes(max_bytes)}. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise ApplicantFileError(
            "The file is empty: it needs a header row and one row per applicant."
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        text, encoding = decode_csv(data)
        return Table(_csv_rows(text), encoding)
    if suffix == ".xlsx":
        return Table(_xlsx_rows(data), XLSX)
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


def _csv_rows(text: str) -> tuple[tuple[str, ...], ...]:
    # Spreadsheet rows are records, not physical lines: a quoted cell may span lines.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for cells in reader:
            rows.append(tuple(cells))
    except csv.Error as exc:
        raise ApplicantFileError(
            f"Row {len(rows) + 1} is not valid CSV ({exc}); check its quotation marks."
        ) from None
    return tuple(rows)


def _xlsx_rows(data: bytes) -> tuple[tuple[str, ...], ...]:
    # An upload is untrusted: a damaged or hostile workbook can fail deep inside openpyxl or
    # the XML parser with many exception types, and each must become one plain refusal.
    try:
        # data_only: formulas are never evaluated, only the values Excel last saved are read.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _unreadable_workbook(exc) from None
    try:
        if not workbook.worksheets:
            raise ApplicantFileError("This workbook has no sheets.")
        sheet = workbook.worksheets[0]
        return tuple(
            tuple(_cell_text(value) for value in row) for row in sheet.iter_rows(values_only=True)
        )
    except ApplicantFileError:
        raise
    except Exception as exc:
        raise _unreadable_workbook(exc) from None
    finally:
        workbook.close()


def _unreadable_workbook(exc: Exception) -> ApplicantFileError:
    return ApplicantFileError(
        f"This .xlsx file cannot be opened as an Excel workbook ({exc.__class__.__name__}). "
        'Open it in Excel and save it again as "Excel Workbook (.xlsx)".'
    )


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
