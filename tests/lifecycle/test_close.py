"""Closing a semester: final, audited, and every service refuses to change it afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Semester
from matcher.services.errors import DomainError
from matcher.services.pairs.matching import run_matching
from matcher.services.semesters.stages import move_semester

from .pairs import make_pair


def test_close_command_closes_and_audits(make_semester, runner) -> None:
    semester = make_semester(name="Spring 2027", status="active")
    db.session.commit()
    result = runner.invoke(args=["semester", "close", "Spring 2027"])
    assert result.exit_code == 0, result.output
    assert "is closed" in result.output
    assert "12 months" in result.output
    db.session.expire_all()
    semester = db.session.get(Semester, semester.id)
    assert semester.status == "closed"
    assert semester.closed_at is not None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "semester.status")
    ).one()
    assert event.detail == {"from": "active", "to": "closed"}


def test_closing_twice_is_a_clear_error(make_semester, runner) -> None:
    make_semester(name="Spring 2027", status="closed")
    db.session.commit()
    result = runner.invoke(args=["semester", "close", "Spring 2027"])
    assert result.exit_code != 0
    assert "closed; it can no longer change" in result.output


def test_a_closed_semester_is_read_only(
    make_semester, make_student, make_tutor, runner, tmp_path
) -> None:
    semester = make_semester(name="Spring 2027", status="active")
    student, tutor = make_student(semester), make_tutor(semester)
    make_pair(semester, student, tutor)
    db.session.commit()
    assert runner.invoke(args=["semester", "close", "Spring 2027"]).exit_code == 0
    semester = db.session.get(Semester, semester.id)
    with pytest.raises(DomainError, match="closed"):
        make_student(semester)
    with pytest.raises(DomainError, match="closed"):
        move_semester(semester, "active", actor="test")
    with pytest.raises(DomainError, match="closed"):
        run_matching(semester, actor="test", save=False)
    # … but it can still be exported for the program's records.
    result = runner.invoke(
        args=["roster", "export", "--semester", "Spring 2027", "-o", str(tmp_path / "r.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "matched 1" in result.output
