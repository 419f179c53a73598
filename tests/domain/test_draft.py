"""The one applicant draft: every contract column has a field, and its defaults follow the contract."""

from dataclasses import fields

import pytest

from matcher.applicant_file.columns import COLUMNS
from matcher.domain import ApplicantDraft, Language, Role
from matcher.domain.windows import parse_windows
from matcher.matching.people import person_from

# The file's column names where the draft's field is named for what it holds.
FIELD_OF_COLUMN = {"availability": "windows", "level": "levels"}
# Columns the contract added for email (issue 14) that the file reader does not read yet.
NEWER_COLUMNS = ("language", "share_contact")


def _draft(**changes: object) -> ApplicantDraft:
    answers: dict[str, object] = {
        "role": "tutor",
        "display_name": "Jun*",
        "email": "jun@example.org",
        "timezone": "Europe/London",
        "windows": parse_windows("Mon 19:00-21:00"),
        "goals": frozenset({"speech"}),
        "levels": frozenset({"beginner", "advanced"}),
    }
    return ApplicantDraft(**(answers | changes))  # type: ignore[arg-type]


def test_every_contract_column_is_a_field_of_the_draft() -> None:
    names = {f.name for f in fields(ApplicantDraft)}
    for column in (*COLUMNS, *NEWER_COLUMNS):
        assert FIELD_OF_COLUMN.get(column, column) in names


def test_optional_answers_default_to_the_contracts_no() -> None:
    draft = _draft()
    assert (draft.gender, draft.korean, draft.in_person, draft.capacity) == (None, None, False, 1)
    assert draft.share_contact is False
    assert draft.continue_with is None


@pytest.mark.parametrize(
    ("role", "chosen", "expected"),
    [("student", None, Language.KO), ("tutor", None, Language.EN), ("student", "en", Language.EN)],
)
def test_the_page_language_is_the_choice_else_the_roles_default(
    role: str, chosen: str | None, expected: Language
) -> None:
    assert _draft(role=role, language=chosen).page_language == expected


def test_a_role_given_as_text_becomes_the_member() -> None:
    draft = _draft(role="student")
    assert draft.role is Role.STUDENT
    assert draft.role.other is Role.TUTOR
    with pytest.raises(ValueError, match="not a valid Role"):
        _draft(role="teacher")


def test_the_engine_sees_the_same_answers_under_an_id_and_no_contact() -> None:
    draft = _draft(gender="female", korean="basic", in_person=True, capacity=2)
    person = person_from(draft, "T001", continue_with="S004")
    assert (person.id, person.continue_with, person.role) == ("T001", "S004", Role.TUTOR)
    assert (person.gender, person.korean, person.in_person, person.capacity) == (
        "female",
        "basic",
        True,
        2,
    )
    assert person.windows == draft.windows and person.levels == draft.levels
    assert not hasattr(person, "email") and not hasattr(person, "display_name")
