"""The two kinds of problem a contract file can have: the whole file, or one cell of one row."""

from __future__ import annotations

from dataclasses import dataclass


class ApplicantFileError(Exception):
    """The file as a whole cannot be read (too big, wrong type, wrong encoding, empty).

    Kept apart from row errors because nothing in such a file can be checked row by row, so
    callers show the single message and stop.
    """


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell, located the way a spreadsheet user finds it.

    ``row`` counts like a spreadsheet (the header is row 1); ``column`` is the contract's column
    name, or ``None`` when the problem is the whole row.
    """

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"
