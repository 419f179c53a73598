"""Retention and purge: a canary's name is gone from every table and from the database file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql

from matcher.crypto.lookup import email_hash
from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Exclusion, Semester
from matcher.services.applicants.links import issue_extra_link
from matcher.services.errors import DomainError
from matcher.services.files.roster import export_roster
from matcher.services.mail.outbox import Letter, queue_for_applicant
from matcher.services.privacy.purge import add_months, semesters_past_retention
from matcher.services.semesters.lifecycle import start_next_semester

from .pairs import make_pair

CANARY_NAME = "Zebulon Canary 카나리아*"
CANARY_EMAIL = "zebulon.canary@example.org"
CANARY_NOTE = "canary-note-qxv"
CANARY_REASON = "canary-reason-wyk"
CANARY_EXPORT_REASON = "for Zebulon's caseworker canary-export-jfq"
CANARIES = [CANARY_NAME, CANARY_EMAIL, CANARY_NOTE, CANARY_REASON, CANARY_EXPORT_REASON]


@pytest.fixture
def closed_semester(make_semester, make_student, make_tutor):
    """A closed semester whose every personal field holds a canary, and an open one beside it."""
    semester = make_semester(name="Spring 2026", status="active")
    canary = make_student(semester, display_name=CANARY_NAME, email=CANARY_EMAIL)
    canary.note = CANARY_NOTE
    # An email that never went (failed for good) still holds the words it would have said.
    unsent = queue_for_applicant(canary, "pair_ended", Letter(f"To {CANARY_NAME}", CANARY_NOTE))
    assert unsent is not None
    unsent.status = "failed"
    issue_extra_link(canary)
    tutor = make_tutor(semester, display_name="Tutor Quill")
    other_tutor = make_tutor(semester)
    make_pair(semester, canary, tutor, status="ended", end_reason=CANARY_REASON)
    make_pair(semester, make_student(semester), other_tutor)
    make_student(semester, status="withdrawn")
    db.session.add(
        Exclusion(
            semester_id=semester.id,
            student_id=canary.id,
            tutor_id=other_tutor.id,
            reason=CANARY_REASON,
        )
    )
    semester.status = "closed"
    semester.closed_at = datetime.now(UTC) - timedelta(days=400)
    current = make_semester(name="Spring 2027", status="matching")
    make_student(current, display_name="Still Here*")
    # Contacts exported for the semester, and for the other one: a coordinator's typed reason
    # is personal data of that semester only.
    export_roster(semester, "csv", include_contacts=True, reason=CANARY_EXPORT_REASON, actor="test")
    export_roster(current, "csv", include_contacts=True, reason="Still Here export", actor="t")
    db.session.commit()
    return semester


def every_row_text() -> str:
    """Every value of every table, as one string to search."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


def database_file_bytes() -> bytes:
    path = Path(db.engine.url.database)
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def on_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def test_purge_removes_every_trace_of_the_canary(closed_semester, runner) -> None:
    assert all(canary in every_row_text() for canary in CANARIES)
    # Emails are encrypted at rest, so the bytes to look for are the canary's stored ciphertext.
    stored_email = db.session.scalar(
        sql("SELECT email FROM applicants WHERE email_hash = :h"), {"h": email_hash(CANARY_EMAIL)}
    )
    if on_sqlite():
        assert stored_email.encode() in database_file_bytes()  # the check below can fail
    result = runner.invoke(args=["purge", "--semester", "Spring 2026", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 semester" in result.output
    db.session.expire_all()
    text = every_row_text()
    for canary in CANARIES:
        assert canary not in text
    if on_sqlite():
        data = database_file_bytes()
        for canary in [*CANARIES, stored_email]:
            assert canary.encode() not in data, canary
        assert "카나리아".encode() not in data
    assert "Still Here*" in text  # other semesters are untouched
    assert "Still Here export" in text
    exports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "roster.export").order_by(AuditEvent.id)
    ).all()
    assert [e.detail["export_id"] for e in exports] and exports[0].detail["contacts"] is True


def test_purge_keeps_anonymous_counts_and_is_audited(closed_semester, runner) -> None:
    assert runner.invoke(args=["purge", "--semester", "Spring 2026", "--yes"]).exit_code == 0
    db.session.expire_all()
    semester = db.session.get(Semester, closed_semester.id)
    assert semester.purged_at is not None
    assert semester.purged_counts == {
        "students": {"approved": 2, "withdrawn": 1},
        "students_paired": 2,
        "tutors": {"approved": 2},
        "tutors_paired": 2,
        "pairs": {"confirmed": 1, "ended": 1},
        "exclusions": 1,
        "match_runs": 0,
    }
    applicants = db.session.scalars(
        select(Applicant).where(Applicant.semester_id == semester.id)
    ).all()
    assert applicants == []
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "semester.purge")
    ).one()
    assert event.actor == "cli"
    assert event.target == f"semester:{semester.id}"
    assert event.detail == {**semester.purged_counts, "export_reasons_removed": 1}


def test_dry_run_lists_and_changes_nothing(closed_semester, runner) -> None:
    before = every_row_text()
    result = runner.invoke(args=["purge", "--semester", "Spring 2026", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove the personal data of 'Spring 2026'" in result.output
    assert "3 students, 2 tutors, 2 pairs, 1 exclusions" in result.output
    assert "nothing was changed" in result.output
    assert CANARY_NAME not in result.output  # the listing is counts, not people
    db.session.expire_all()
    assert every_row_text() == before
    assert db.session.get(Semester, closed_semester.id).purged_at is None


def test_answering_no_changes_nothing(closed_semester, runner) -> None:
    result = runner.invoke(args=["purge", "--semester", "Spring 2026"], input="n\n")
    assert result.exit_code != 0
    db.session.expire_all()
    assert CANARY_NAME in every_row_text()


def test_older_than_picks_only_semesters_past_it(closed_semester, make_semester, runner) -> None:
    recent = make_semester(
        name="Fall 2026", status="closed", closed_at=datetime.now(UTC) - timedelta(days=60)
    )
    db.session.commit()
    result = runner.invoke(args=["purge", "--older-than", "12", "--dry-run"])
    assert "'Spring 2026'" in result.output
    assert "'Fall 2026'" not in result.output
    assert runner.invoke(args=["purge", "--older-than", "12", "--yes"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Semester, closed_semester.id).purged_at is not None
    assert db.session.get(Semester, recent.id).purged_at is None
    result = runner.invoke(args=["purge", "--older-than", "12"])
    assert "nothing to purge" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--semester NAME or --older-than MONTHS"),
        (["--semester", "Spring 2026", "--older-than", "3"], "--semester NAME or --older-than"),
        (["--semester", "Spring 2027"], "only closed semesters can be purged"),
        (["--semester", "Nope"], "No semester is called 'Nope'"),
    ],
)
def test_purge_refuses_unclear_or_open_targets(closed_semester, runner, args, message) -> None:
    result = runner.invoke(args=["purge", *args, "--yes"])
    assert result.exit_code != 0
    assert message in result.output
    db.session.expire_all()
    assert CANARY_NAME in every_row_text()


def test_a_purged_semester_cannot_be_purged_exported_or_carried_over(
    closed_semester, runner
) -> None:
    assert runner.invoke(args=["purge", "--semester", "Spring 2026", "--yes"]).exit_code == 0
    result = runner.invoke(args=["purge", "--semester", "Spring 2026", "--yes"])
    assert result.exit_code != 0
    assert "already purged" in result.output
    semester = db.session.get(Semester, closed_semester.id)
    with pytest.raises(DomainError, match="purged"):
        export_roster(semester, "csv", include_contacts=False, reason=None, actor="test")
    with pytest.raises(DomainError, match="purged"):
        start_next_semester(
            "Fall 2027", semester, semester.starts_on, semester.ends_on, actor="test"
        )


def test_retention_reminder_uses_the_configured_months(app, make_semester) -> None:
    now = datetime(2028, 1, 15, tzinfo=UTC)
    old = make_semester(name="A", status="closed", closed_at=datetime(2027, 1, 15, tzinfo=UTC))
    seven = make_semester(name="B", status="closed", closed_at=datetime(2027, 6, 15, tzinfo=UTC))
    make_semester(name="C", status="active")
    assert semesters_past_retention(now=now) == [old]  # default: 12 months
    app.config["RETENTION_MONTHS"] = 6
    assert semesters_past_retention(now=now) == [old, seven]


def test_months_are_calendar_months() -> None:
    assert add_months(datetime(2027, 1, 31, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 12) == datetime(2028, 11, 30, tzinfo=UTC)
    assert add_months(datetime(2027, 12, 1, tzinfo=UTC), 1) == datetime(2028, 1, 1, tzinfo=UTC)
