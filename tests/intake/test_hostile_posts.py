"""Random and hostile posts to both forms: never a server error, never a half-written row."""

from __future__ import annotations

import pytest
from fuzzing.hostile import choice, fuzz_settings, postable, text
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.intake.grid import all_slot_values
from matcher.models import Applicant, AuditEvent

from .catalog import ensure_compiled
from .payloads import done_link, student_post, tutor_post

ensure_compiled()
pytestmark = pytest.mark.db  # built with make_app, so conftest cannot see it uses the database

PROFILE = fuzz_settings(ci_examples=40, dev_examples=120)


def some(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(st.sampled_from(values), choice), max_size=8)


SLOTS = all_slot_values()
common = {
    "display_name": text,
    "email": st.one_of(text, st.emails().map(str)),
    "timezone": st.one_of(
        st.sampled_from(["Asia/Seoul", "America/New_York", "Asia/Kathmandu"]), choice
    ),
    "slots": st.lists(st.one_of(st.sampled_from(SLOTS), choice), max_size=12),
    "goals": some(["conversation", "grammar", "speech", "academic", "career", "test-prep"]),
    "gender": st.one_of(st.sampled_from(["", "female", "male", "other"]), choice),
    "in_person": st.one_of(st.sampled_from(["y", ""]), choice),
    "continue_with": text,
    "note": text,
    "language": st.one_of(st.sampled_from(["ko", "en"]), choice),
    "consent": st.one_of(st.just("y"), choice),
    "status": st.sampled_from(["approved", "withdrawn", ""]),
}
student_fields = {
    **common,
    "level": st.one_of(st.sampled_from(["beginner", "intermediate", "advanced"]), choice),
    "gender_preference": st.one_of(st.sampled_from(["", "female", "male"]), choice),
}
tutor_fields = {
    **common,
    "levels": some(["beginner", "intermediate", "advanced"]),
    "korean": st.one_of(st.sampled_from(["none", "basic", "fluent"]), choice),
    "capacity": st.one_of(st.sampled_from(["1", "2", "3"]), choice),
}


@st.composite
def hostile_post(draw: st.DrawFn, base: dict, fields: dict) -> dict:
    """A valid post with up to four fields replaced: some get through (hostile text stored as
    text), others are refused; both paths are exercised."""
    data = {**base, "email": f"p{draw(st.integers(0, 10**9))}@example.org"}
    for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=4, unique=True)):
        data[key] = draw(fields[key])
    return data


student_posts = hostile_post(student_post(), student_fields)
tutor_posts = hostile_post(tutor_post(), tutor_fields)


@pytest.fixture
def intake(make_app):
    application = make_app(INTAKE_MIN_FILL_SECONDS=0, RATELIMIT_ENABLED=False)
    with application.app_context():
        from datetime import date

        from matcher.models import Semester

        db.session.add(
            Semester(
                name="Spring 2027",
                starts_on=date(2027, 3, 2),
                ends_on=date(2027, 6, 19),
                status="intake",
            )
        )
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


def check_rows_whole() -> None:
    """Every stored application is complete and valid, with its audit event."""
    for row in db.session.scalars(select(Applicant)):
        assert 1 <= len(row.display_name) <= 80 and row.display_name == row.display_name.strip()
        assert "\x00" not in row.display_name and "\u202e" not in row.display_name
        assert parse_windows(row.availability)
        assert row.status == "pending" and row.edit_token_hash
        assert row.goals and row.levels
    applicants = db.session.scalar(select(func.count()).select_from(Applicant))
    submitted = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "applicant.submitted")
    )
    assert applicants == submitted


@pytest.mark.slow
@settings(PROFILE)
@given(data=student_posts)
def test_student_form_never_errors_and_never_half_saves(intake, data) -> None:
    response = intake.test_client().post("/apply/student", data=postable(data))
    assert response.status_code in (200, 303, 413)
    check_rows_whole()


@pytest.mark.slow
@settings(PROFILE)
@given(data=tutor_posts)
def test_tutor_form_never_errors_and_never_half_saves(intake, data) -> None:
    response = intake.test_client().post("/apply/tutor", data=postable(data))
    assert response.status_code in (200, 303, 413)
    check_rows_whole()
    for row in db.session.scalars(select(Applicant)):
        assert 1 <= row.capacity <= 3


@pytest.mark.slow
@settings(PROFILE)
@given(data=student_posts)
def test_edit_through_the_private_link_never_errors(intake, data) -> None:
    client = intake.test_client()
    if not hasattr(intake, "_link"):
        intake._link = done_link(
            client.post("/apply/student", data=student_post(email="fixed@example.org"))
        )
    response = client.post(intake._link + "/edit", data=postable(data))
    assert response.status_code in (200, 303, 413)
    check_rows_whole()
