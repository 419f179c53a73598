"""Row-by-row validation: each bad cell is named by row and column, all of them at once."""

from __future__ import annotations

import pytest

from matcher.applicant_file import ApplicantFile, read_applicant_file
from matcher.domain.windows import WeeklyWindow

from .sample import student, to_csv, tutor


def read(*rows: dict[str, str]) -> ApplicantFile:
    return read_applicant_file(to_csv(list(rows)), "signups.csv")


def only_error(result: ApplicantFile) -> tuple[int, str | None, str]:
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    return error.row, error.column, error.message


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"role": "teacher"}, "role", '"teacher" is not a role; write student or tutor'),
        ({"role": ""}, "role", "a role is required"),
        ({"display_name": "   "}, "display_name", "a display name is required"),
        ({"display_name": "x" * 81}, "display_name", "81 characters; at most 80"),
        ({"display_name": "Eve\u202egnp.exe"}, "display_name", "text-direction characters"),
        ({"display_name": "Eve\u2066x"}, "display_name", "text-direction characters"),
        ({"display_name": "Eve\x00"}, "display_name", "control character"),
        ({"display_name": "Eve\nSmith"}, "display_name", "line break"),
        ({"email": ""}, "email", "an email address is required"),
        ({"email": "not-an-email"}, "email", "not an email address"),
        ({"email": "a@b"}, "email", "not an email address"),
        ({"email": "Kim <kim@example.org>"}, "email", "not an email address"),
        ({"email": "a@example.org;b@example.org"}, "email", "not an email address"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a known time zone"),
        ({"timezone": "KST"}, "timezone", "abbreviation, not a time zone name: write the place"),
        ({"timezone": "UTC+9"}, "timezone", "fixed offset, which ignores daylight saving"),
        ({"timezone": "GMT-05:00"}, "timezone", "fixed offset"),
        ({"timezone": "Seoul"}, "timezone", 'did you mean "Asia/Seoul"'),
        ({"timezone": "new york"}, "timezone", 'did you mean "America/New_York"'),
        ({"availability": "Mon 7pm-9pm"}, "availability", "like 'Mon 19:00-21:00'"),
        ({"availability": "Mon 19:15-21:00"}, "availability", "minutes must be 00 or 30"),
        ({"availability": "Mon 19:00-19:00"}, "availability", "start and end are the same"),
        ({"availability": "Funday 19:00-20:00"}, "availability", "unknown day 'Funday'"),
        ({"availability": ""}, "availability", "availability is empty"),
        ({"goals": "conversation;travel"}, "goals", 'unknown goal "travel"'),
        ({"goals": " ; "}, "goals", "at least one goal is required"),
        ({"level": "expert"}, "level", 'unknown level "expert"'),
        ({"level": "beginner;advanced"}, "level", "a student has exactly one level"),
        ({"gender": "f"}, "gender", '"f" is not a gender; write female, male or other'),
        ({"gender_preference": "other"}, "gender_preference", "write female or male"),
        ({"korean": "some"}, "korean", "write none, basic or fluent"),
        ({"in_person": "maybe"}, "in_person", "write yes or no"),
        ({"capacity": "2"}, "capacity", "capacity is for tutors only"),
        ({"continue_with": "my old tutor"}, "continue_with", "last semester's partner"),
    ],
)
def test_a_bad_student_cell_is_named_by_row_and_column(
    overrides: dict[str, str], column: str, words: str
) -> None:
    result = read(student(), student(**overrides))
    row, error_column, message = only_error(result)
    assert (row, error_column) == (3, column)
    assert words in message
    assert [r.row for r in result.records] == [2]
    assert [raw.row for raw in result.rejected] == [3]


@pytest.mark.parametrize(
    ("capacity", "words"),
    [("0", '"0" is not a capacity'), ("4", '"4" is not a capacity'), ("two", "1 to 3")],
)
def test_tutor_capacity_must_be_1_to_3(capacity: str, words: str) -> None:
    row, column, message = only_error(read(tutor(capacity=capacity)))
    assert (row, column) == (2, "capacity")
    assert words in message


def test_a_tutor_with_a_gender_preference_is_an_error() -> None:
    row, column, message = only_error(read(tutor(gender_preference="female")))
    assert (row, column) == (2, "gender_preference")
    assert "only students give a gender preference" in message


def test_every_error_of_every_row_is_reported_at_once_in_file_order() -> None:
    result = read(
        student(timezone="KST", goals="travel"),
        student(),
        tutor(availability="Mon 19:00-19:00", capacity="4"),
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "timezone"),
        (2, "goals"),
        (4, "availability"),
        (4, "capacity"),
    ]
    assert str(result.errors[0]).startswith("row 2, timezone: ")
    assert [r.row for r in result.records] == [3]


def test_the_same_email_twice_for_one_role_names_both_rows() -> None:
    result = read(student(email="Same@Example.org"), tutor(), student(email="  same@example.org "))
    assert [(e.row, e.column) for e in result.errors] == [(2, "email"), (4, "email")]
    for error in result.errors:
        assert "the same student email is on rows 2 and 4" in error.message
    assert [r.role for r in result.records] == ["tutor"]


def test_the_same_email_as_student_and_tutor_is_allowed() -> None:
    result = read(student(email="both@example.org"), tutor(email="both@example.org"))
    assert result.ok


def test_values_are_normalised() -> None:
    result = read(
        tutor(
            role=" Tutor ",
            display_name="  Ann  ",
            email=" Ann.Lee@Example.ORG ",
            timezone="america/new_york",
            availability="monday 19:00-20:00; MON 20:00-21:00",
            goals="Grammar; TEST-PREP;",
            level="Advanced;beginner",
            gender="Female",
            korean="NONE",
            in_person="YES",
            capacity="3",
            continue_with=" Old.Partner@Example.org",
        )
    )
    assert result.ok, result.errors
    record = result.records[0]
    assert record.role == "tutor"
    assert record.display_name == "Ann"
    assert record.email == "ann.lee@example.org"
    assert record.timezone == "America/New_York"
    assert record.windows == (WeeklyWindow(19 * 60, 120),)
    assert record.goals == frozenset({"grammar", "test-prep"})
    assert record.levels == frozenset({"advanced", "beginner"})
    assert (record.gender, record.korean, record.in_person) == ("female", "none", True)
    assert record.capacity == 3
    assert record.continue_with == "old.partner@example.org"


def test_hangul_and_other_scripts_are_fine_names() -> None:
    names = ["김하늘", "Zoë Ångström", "Иван", "José*"]
    result = read(*(student(display_name=name) for name in names))
    assert [r.display_name for r in result.records] == names


def test_continue_with_may_not_be_the_person_themselves() -> None:
    row, column, message = only_error(
        read(student(email="x@example.org", continue_with="X@example.org"))
    )
    assert (row, column) == (2, "continue_with")
    assert "own email" in message


def test_a_bad_value_is_quoted_without_its_control_characters() -> None:
    _, _, message = only_error(read(student(gender="\x1b[31mred")))
    assert "\x1b" not in message
    assert "\\u001b" in message


def test_hostile_names_are_kept_as_text_for_the_exports_to_neutralise() -> None:
    names = ["<script>alert(1)</script>", '=HYPERLINK("http://x.example","y")', "+1", "@SUM"]
    result = read(*(student(display_name=name) for name in names))
    assert [r.display_name for r in result.records] == names
