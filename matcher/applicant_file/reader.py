"""Reading a whole contract file: size, type and encoding first, then header, then every row."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from matcher.applicant_file.columns import read_header
from matcher.applicant_file.errors import ApplicantFileError
from matcher.applicant_file.limits import FileLimits
from matcher.applicant_file.records import ApplicantFile, RawRow
from matcher.applicant_file.tables import read_table, size_error
from matcher.applicant_file.validation import check_rows


def read_applicant_file(
    data: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    limits: FileLimits | None = None,
) -> ApplicantFile:
    """Validate an uploaded ``.csv`` or ``.xlsx`` file against the applicants contract.

    Raises :class:`ApplicantFileError` when the file cannot be read at all (too big, beyond a
    reading limit, wrong type or encoding, empty, header only); every other problem is returned
    in :attr:`ApplicantFile.errors`, all at once, so nothing has been used before all are known.
    ``max_bytes`` overrides the size limit of ``limits`` (the defaults when not given).
    """
    limits = _limits(limits, max_bytes)
    table = read_table(data, filename, limits)
    if not table.rows:
        raise ApplicantFileError(
            "The file is empty: it needs a header row and one row per applicant."
        )
    number, header_cells = table.rows[0]
    if number != 1:
        raise ApplicantFileError(
            "Row 1 is empty: the first row must be the header with the column names."
        )
    data_rows = table.rows[1:]
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
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    limits: FileLimits | None = None,
) -> ApplicantFile:
    """Read a file from disk, refusing an oversized one before loading it into memory."""
    limits = _limits(limits, max_bytes)
    file = Path(path)
    size = file.stat().st_size
    if size > limits.max_bytes:
        raise size_error(size, limits.max_bytes)
    return read_applicant_file(file.read_bytes(), file.name, limits=limits)


def _limits(limits: FileLimits | None, max_bytes: int | None) -> FileLimits:
    limits = limits or FileLimits()
    if max_bytes is not None and max_bytes != limits.max_bytes:
        limits = replace(limits, max_bytes=max_bytes)
    return limits
