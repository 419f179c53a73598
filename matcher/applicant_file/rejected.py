"""Writing the rows a coordinator must fix, as a CSV they can correct and import again."""

from __future__ import annotations

import os
from collections import defaultdict

from matcher.applicant_file.records import ApplicantFile
from matcher.exports.csv_writer import write_csv

REASON = "reason"


def write_rejected(result: ApplicantFile, path: str | os.PathLike[str]) -> int:
    """Write every rejected row (its original cells plus a ``reason`` column) to ``path``.

    The original cells are kept as they were so that the file, once corrected, can be imported
    again; the reason names each column and problem. Returns the number of rows written.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in result.errors:
        reasons[error.row].append(
            f"{error.column}: {error.message}" if error.column else error.message
        )
    width = len(result.header)
    rows = [[*_padded(raw.cells, width), "; ".join(reasons[raw.row])] for raw in result.rejected]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        write_csv([*result.header, REASON], rows, stream)
    return len(rows)


def _padded(cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Short rows are padded so the reason always sits under its own header."""
    return cells[:width] + ("",) * (width - len(cells))
