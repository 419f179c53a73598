"""The header row: free order and case, unknown columns reported, missing or doubled refused."""

from __future__ import annotations

from matcher.applicant_file import read_applicant_file

from .sample import HEADER, student, to_csv, tutor


def test_column_order_and_case_and_spaces_are_free() -> None:
    rows = [student(display_name="Mina"), tutor(display_name="Oscar")]
    header = [f"  {name.upper()} " for name in reversed(HEADER)]
    result = read_applicant_file(to_csv(rows, header), "a.csv")
    assert result.ok, result.errors
    assert [r.display_name for r in result.records] == ["Mina", "Oscar"]


def test_unknown_columns_are_reported_and_ignored() -> None:
    rows = [student(), tutor()]
    header = [*HEADER, "Notes", "Phone"]
    result = read_applicant_file(to_csv(rows, header), "a.csv")
    assert result.ok
    assert result.unknown_columns == ("Notes", "Phone")
    assert len(result.records) == 2


def test_optional_columns_may_be_left_out() -> None:
    required = ["role", "display_name", "email", "timezone", "availability", "goals", "level"]
    result = read_applicant_file(to_csv([student(), tutor()], required), "a.csv")
    assert result.ok
    tutor_record = result.records[1]
    assert (tutor_record.capacity, tutor_record.in_person, tutor_record.gender) == (1, False, None)
    assert tutor_record.continue_with is None


def test_a_missing_required_column_is_an_error_on_row_1_and_no_record_is_made() -> None:
    header = [name for name in HEADER if name != "timezone"]
    result = read_applicant_file(to_csv([student(), tutor()], header), "a.csv")
    assert not result.ok and not result.header_ok
    assert [(e.row, e.column) for e in result.errors] == [(1, "timezone")]
    assert 'required column "timezone" is missing' in result.errors[0].message
    assert result.records == ()


def test_a_misspelt_column_gets_a_rename_hint() -> None:
    header = ["Display Name" if name == "display_name" else name for name in HEADER]
    result = read_applicant_file(to_csv([student()], header), "a.csv")
    assert 'the file has a column "Display Name"; rename it to display_name' in str(result.errors)


def test_rows_are_still_checked_when_a_column_is_missing() -> None:
    header = [name for name in HEADER if name != "goals"]
    result = read_applicant_file(to_csv([student(timezone="Mars/Olympus")], header), "a.csv")
    assert [(e.row, e.column) for e in result.errors] == [(1, "goals"), (2, "timezone")]


def test_a_duplicated_column_is_an_error() -> None:
    header = [*HEADER, "Email"]
    result = read_applicant_file(to_csv([student()], header), "a.csv")
    assert [(e.row, e.column) for e in result.errors] == [(1, "email")]
    assert "appears twice" in result.errors[0].message


def test_a_title_row_instead_of_a_header_gets_one_clear_error() -> None:
    data = b"Spring 2027 sign-ups,,\n" + to_csv([student()])
    result = read_applicant_file(data, "a.csv")
    assert len(result.errors) == 1
    assert result.errors[0].row == 1
    assert "row 1 must be the header" in result.errors[0].message
