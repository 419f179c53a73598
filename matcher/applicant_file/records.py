"""What a read contract file yields: validated applicant records, row errors and file facts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from matcher.applicant_file.errors import RowError
from matcher.domain import ApplicantDraft


@dataclass(frozen=True, kw_only=True)
class ApplicantRecord(ApplicantDraft):
    """One valid applicant row, normalised (emails lowercased, names NFC, zone canonical).

    ``row`` is the spreadsheet row number, kept so that later messages can point back to the
    file. ``levels`` holds exactly one level for a student.
    """

    row: int


@dataclass(frozen=True)
class RawRow:
    """A row's cells exactly as they were in the file, for writing rejected rows back out."""

    row: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ApplicantFile:
    """The outcome of reading one file: every valid record and every problem, all at once.

    ``encoding`` is ``utf-8``, ``cp949`` (a guess worth telling the coordinator about) or
    ``xlsx``. ``rejected`` holds the original cells of every row with an error, in file order.
    Errors on row 1 concern the header; they make every row suspect, so :attr:`ok` is false.
    """

    records: tuple[ApplicantRecord, ...]
    errors: tuple[RowError, ...]
    unknown_columns: tuple[str, ...]
    encoding: str
    header: tuple[str, ...]
    rejected: tuple[RawRow, ...]

    @property
    def ok(self) -> bool:
        """True when every row is valid, so the whole file may be used."""
        return not self.errors

    @property
    def header_ok(self) -> bool:
        """True when the header is sound, so the valid rows may be used on their own."""
        return not any(error.row == 1 for error in self.errors)

    def errors_for(self, row: int) -> tuple[RowError, ...]:
        """The errors of one spreadsheet row, in column order."""
        return self._errors_by_row.get(row, ())

    @cached_property
    def _errors_by_row(self) -> dict[int, tuple[RowError, ...]]:
        # Grouped once: asking row by row through 20,000 errors would be quadratic.
        grouped: dict[int, list[RowError]] = {}
        for error in self.errors:
            grouped.setdefault(error.row, []).append(error)
        return {row: tuple(errors) for row, errors in grouped.items()}
