"""The database itself refuses impossible states, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Match, Semester
from matcher.models.base import utcnow


def test_a_student_cannot_be_in_two_active_matches(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester)
    first, second = make_tutor(semester), make_tutor(semester)
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=first.id))
    db.session.flush()
    db.session.add(
        Match(semester_id=semester.id, student_id=student.id, tutor_id=second.id, status="locked")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_an_ended_match_frees_the_student_for_a_new_one(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester)
    first, second = make_tutor(semester), make_tutor(semester)
    db.session.add(
        Match(
            semester_id=semester.id,
            student_id=student.id,
            tutor_id=first.id,
            status="ended",
            ended_at=utcnow(),
            end_reason="moved abroad",
        )
    )
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=second.id))
    db.session.flush()
    assert db.session.query(Match).count() == 2


def test_only_one_semester_takes_sign_ups(make_semester) -> None:
    make_semester(status="intake")
    make_semester(status="closed")
    db.session.flush()
    with pytest.raises(IntegrityError):
        make_semester(status="intake")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", 4),
        ("capacity", 0),
        ("status", "deleted"),
        ("gender", "robot"),
        ("language", "fr"),
    ],
)
def test_applicant_check_constraints(make_tutor, field: str, value: object) -> None:
    tutor = make_tutor()
    setattr(tutor, field, value)
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_student_cannot_take_three_tutors_at_once(make_student) -> None:
    student = make_student()
    student.capacity = 3
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_gender_preference_is_for_students_only(make_tutor) -> None:
    tutor = make_tutor()
    tutor.gender_preference = "female"
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_emails_are_unique_per_role_and_semester(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    make_student(semester, email="same@example.org")
    make_tutor(semester, email="same@example.org")  # the same person may tutor and study
    make_student(make_semester(), email="same@example.org")  # and come back next semester
    db.session.flush()
    from matcher.services.errors import DomainError

    with pytest.raises(DomainError):
        make_student(semester, email="SAME@example.org ")


def test_semester_dates_must_be_in_order(make_semester) -> None:
    from datetime import date

    with pytest.raises(IntegrityError):
        make_semester(starts_on=date(2027, 6, 1), ends_on=date(2027, 3, 1))


def test_ended_at_goes_with_status_ended(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    db.session.add(
        Match(
            semester_id=semester.id,
            student_id=make_student(semester).id,
            tutor_id=make_tutor(semester).id,
            status="ended",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_stale_match_update_is_refused(app, make_semester, make_student, make_tutor) -> None:
    """Optimistic locking: a second writer holding an old version cannot overwrite."""
    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    semester = make_semester()
    match = Match(
        semester_id=semester.id,
        student_id=make_student(semester).id,
        tutor_id=make_tutor(semester).id,
    )
    db.session.add(match)
    db.session.commit()
    # Someone else bumps the version behind this session's back.
    db.session.execute(
        update(Match).where(Match.id == match.id).values(version=Match.version + 1),
        execution_options={"synchronize_session": False},
    )
    match.status = "locked"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Semester, semester.id) is not None


def test_a_logged_database_error_does_not_carry_personal_data(
    app, make_semester, make_tutor, caplog
) -> None:
    """Errors end up in server logs; the statement's values (here weekly times) must not.

    SQLite errors would carry the bound parameters (hidden by hide_parameters); PostgreSQL also
    quotes the failing row in its DETAIL line, which the app logger's filter removes.
    """
    semester = make_semester()
    canary_times = "Sun 05:30-06:30"  # on its own line: tracebacks quote the failing call's line
    with pytest.raises(IntegrityError) as error:  # tutors have no gender preference
        make_tutor(semester, windows=canary_times, gender_preference="female")
    with caplog.at_level("ERROR", logger=app.logger.name):
        app.logger.error("request failed", exc_info=error.value)
    assert "IntegrityError" in caplog.text
    assert "05:30" not in caplog.text


def test_postgresql_detail_lines_are_redacted() -> None:
    from matcher.security.database_errors import redact_database_detail

    text = (
        'new row violates check constraint "x"\nDETAIL:  Failing row contains (7, S-X, Kim, a@b.c).\n'
        "DETAIL:  Key (semester_id, role, email_hash)=(1, student, 9f2c) already exists."
    )
    redacted = redact_database_detail(text)
    assert "Kim" not in redacted and "9f2c" not in redacted
    assert "Failing row contains [values removed]" in redacted
    assert "Key (semester_id, role, email_hash)=([values removed]) already exists" in redacted
