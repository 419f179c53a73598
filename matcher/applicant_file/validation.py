"""Checking every data row against the contract, collecting every problem before stopping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matcher.applicant_file import fields
from matcher.applicant_file.columns import COLUMNS, REQUIRED, Header
from matcher.applicant_file.errors import RowError
from matcher.applicant_file.messages import clamped, listed_rows
from matcher.applicant_file.records import ApplicantRecord


@dataclass(frozen=True)
class CheckedRows:
    """Valid records and row errors (header errors excluded), both in file order."""

    records: tuple[ApplicantRecord, ...]
    errors: tuple[RowError, ...]


def check_rows(rows: Sequence[tuple[int, tuple[str, ...]]], header: Header) -> CheckedRows:
    """Validate ``(row number, cells)`` pairs, then the rules that span rows (duplicate emails).

    Every row is checked even after the first error, so a coordinator fixes a file in one pass.
    """
    complete = all(name in header.positions for name in REQUIRED)
    errors: list[RowError] = []
    values_by_row: dict[int, dict[str, Any]] = {}
    for number, cells in rows:
        values, row_errors = _check_row(number, cells, header)
        errors.extend(row_errors)
        values_by_row[number] = values
    errors.extend(_duplicate_emails(values_by_row))
    bad_rows = {error.row for error in errors}
    records = tuple(
        _record(number, values)
        for number, values in values_by_row.items()
        if complete and number not in bad_rows
    )
    return CheckedRows(records, tuple(sorted(errors, key=_position)))


def _check_row(
    number: int, cells: tuple[str, ...], header: Header
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []

    def cell(name: str) -> str | None:
        index = header.positions.get(name)
        if index is None:
            return None
        return cells[index] if index < len(cells) else ""

    def check(name: str, parse: Callable[[str], object], default: object = None) -> None:
        text = cell(name)
        if text is None:
            values[name] = default
            return
        try:
            values[name] = parse(text)
        except fields.CellError as exc:
            errors.append(RowError(number, name, clamped(str(exc))))

    check("role", fields.parse_role)
    # Role-dependent rules run with role None when the role itself is bad, so they still
    # report what is wrong regardless of role instead of staying silent.
    role = values.get("role")
    check("display_name", fields.parse_display_name)
    check("email", fields.parse_email)
    check("timezone", fields.parse_timezone)
    check("availability", fields.parse_availability)
    check("goals", fields.parse_goals)
    check("level", lambda text: fields.parse_levels(text, role))
    check("gender", fields.parse_gender, "")
    check("gender_preference", lambda text: fields.parse_gender_preference(text, role), "")
    check("korean", fields.parse_korean, "")
    check("in_person", fields.parse_in_person, False)
    check("capacity", lambda text: fields.parse_capacity(text, role), 1)
    check("continue_with", fields.parse_continue_with)
    # None when the file has no such column: an update then keeps what the person chose.
    check("language", fields.parse_language)
    check("share_contact", fields.parse_share_contact)
    email = values.get("email")
    if email is not None and email == values.get("continue_with"):
        errors.append(RowError(number, "continue_with", "this is the person's own email"))
    return values, errors


def _duplicate_emails(values_by_row: dict[int, dict[str, Any]]) -> list[RowError]:
    """Both rows of a duplicate are errors: the file cannot say which of them is current.

    Rows are grouped by (role, email) in one pass and each group's message is built once, naming
    at most :data:`LISTED_ROWS` rows, so one email repeated 20,000 times costs 20,000 short
    errors rather than 20,000 messages of 20,000 numbers each.
    """
    rows_by_key: dict[tuple[object, object], list[int]] = defaultdict(list)
    for number, values in values_by_row.items():
        if values.get("role") is not None and values.get("email") is not None:
            rows_by_key[(values["role"], values["email"])].append(number)
    errors: list[RowError] = []
    for (role, _email), numbers in rows_by_key.items():
        if len(numbers) < 2:
            continue
        message = f"the same {role} email is on rows {listed_rows(numbers)}; keep only one of them"
        errors.extend(RowError(number, "email", message) for number in numbers)
    return errors


def _position(error: RowError) -> tuple[int, int]:
    """Errors read left to right within a row, as the columns stand in the contract."""
    column = COLUMNS.index(error.column) if error.column in COLUMNS else len(COLUMNS)
    return error.row, column


def _record(number: int, values: dict[str, Any]) -> ApplicantRecord:
    renamed = {"availability": "windows", "level": "levels"}
    # An optional choice left empty is "no answer": None, as in every applicant draft.
    answers: dict[str, Any] = {renamed.get(k, k): v if v != "" else None for k, v in values.items()}
    return ApplicantRecord(row=number, **answers)
