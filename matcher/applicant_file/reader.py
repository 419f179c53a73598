"""Reading a whole contract file: size, type and encoding first, then header, then every row."""

from __future__ import annotations

import os
from pathlib import Path

from matcher.applicant_file.columns import read_header
from matcher.applicant_file.errors import ApplicantFileError
from matcher.applicant_file.records import ApplicantFile, RawRow
from matcher.applicant_file.tables import DEFAULT_MAX_BYTES, read_table, size_error
from matcher.applicant_file.validation import check_rows


def read_applicant_file(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ApplicantFile:
    """Validate an uploaded ``.csv`` or ``.xlsx`` file against the applicants contract.

    Raises :class:`ApplicantFileError` when the file cannot be read at all (too big, wrong type
    or encoding, empty, header only); every other problem is returned in
    :attr:`ApplicantFile.errors`, all at once, so nothing has been used before all are known.
    """
    table = read_table(data, filename, max_bytes=max_bytes)
    numbered = [(number, cells) for number, cells in enumerate(table.rows, start=1)]
    if not any(_has_text(cells) for _, cells in numbered):
        raise ApplicantFileError(
            "The file is empty: it needs a header row and one row per applicant."
        )
    header_cells = numbered[0][1]
    data_rows = [(n, cells) for n, cells in numbered[1:] if _has_text(cells)]
    if not _has_text(header_cells):
        raise ApplicantFileError(
            "Row 1 is empty: the first row must be the header with the column names."
        )
    if not data_rows:
        raise ApplicantFileError(
            "The file has a header row but no applicants: add one row per applicant."
        )
    header = read_header(header_cells)
    checked = check_rows(data_rows, header)
    bad_rows = {error.row for error in checked.errors}
    return ApplicantFile(
        records=checked.records,
        errors=header.errors + checked.errors,
        unknown_columns=header.unknown,
        encoding=table.encoding,
        header=header_cells,
        rejected=tuple(RawRow(n, cells) for n, cells in data_rows if n in bad_rows),
    )


def read_applicant_path(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ApplicantFile:
    """Read a file from disk, refusing an oversized one before loading it into memory."""
    file = Path(path)
    size = file.stat().st_size
    if size > max_bytes:
        raise size_error(size, max_bytes)
    return read_applicant_file(file.read_bytes(), file.name, max_bytes=max_bytes)


def _has_text(cells: tuple[str, ...]) -> bool:
    return any(cell.strip() for cell in cells)
