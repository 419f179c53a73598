"""A failure in the middle of a write leaves the database exactly as it was (one transaction each)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from importing.files import student, to_csv, tutor
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from matcher.extensions import db
from matcher.models import AuditEvent, Match
from matcher.services.audit import record_event
from matcher.services.pairs.actions import confirm_all
from matcher.services.pairs.matching import run_matching


class InjectedFault(RuntimeError):
    """The failure these tests inject; anything else escaping is a real bug."""


def database_state() -> dict[str, list[str]]:
    """Every row of every table, in a stable order: 'exactly as before' compares this."""
    db.session.rollback()
    db.session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)).all())
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def fail_after_writing_flush(monkeypatch):
    """Arm with n: the n-th flush that writes anything goes to the database, then fails."""
    original = Session.flush
    state = {"armed_at": None, "seen": 0}

    def flush(self: Session, objects=None) -> None:
        writes = bool(self.new or self.dirty or self.deleted)
        original(self, objects)
        if state["armed_at"] is not None and writes:
            state["seen"] += 1
            if state["seen"] == state["armed_at"]:
                raise InjectedFault(f"injected after flush {state['seen']}")

    monkeypatch.setattr(Session, "flush", flush)

    def arm(n: int) -> dict:
        state.update(armed_at=n, seen=0)
        return state

    return arm


@pytest.fixture
def matched_semester(make_semester, make_student, make_tutor):
    """A semester with a committed run, then newcomers: the next run keeps, adds and updates."""
    semester = make_semester()
    for _ in range(4):
        make_student(semester)
        make_tutor(semester)
    run_matching(semester, actor="test")
    db.session.commit()
    for _ in range(3):
        make_student(semester, windows="Sat 10:00-12:00")
        make_tutor(semester, windows="Sat 10:00-12:00")
    db.session.commit()
    return semester


def test_a_failure_inside_storing_proposals_leaves_everything_as_before(
    app, runner, matched_semester, monkeypatch
) -> None:
    before = database_state()
    original_add = Session.add
    added: list[Match] = []

    def add(self: Session, instance: object, *args, **kwargs) -> None:
        original_add(self, instance, *args, **kwargs)
        if isinstance(instance, Match):
            added.append(instance)
            if len(added) == 2:
                self.flush()  # the first new proposal has reached the database
                raise InjectedFault("injected after the first proposal's insert")

    monkeypatch.setattr(Session, "add", add)
    result = runner.invoke(args=["match", "propose", "--semester", matched_semester.name])
    monkeypatch.setattr(Session, "add", original_add)

    assert isinstance(result.exception, InjectedFault), result.output
    assert len(added) == 2
    assert database_state() == before
    # And the same run succeeds once nothing fails.
    result = runner.invoke(args=["match", "propose", "--semester", matched_semester.name])
    assert result.exit_code == 0, result.output
    after = db.session.scalar(
        select(func.count()).select_from(Match).where(Match.semester_id == matched_semester.id)
    )
    assert after == 7


def test_a_failure_while_confirming_leaves_everything_as_before(
    app, matched_semester, fail_after_writing_flush
) -> None:
    run_matching(matched_semester, actor="test")
    db.session.commit()
    before = database_state()
    fault = fail_after_writing_flush(2)
    with pytest.raises(InjectedFault):
        try:
            confirm_all(matched_semester, actor="test")
            db.session.commit()
        except BaseException:
            db.session.rollback()  # what the request's teardown does on an error
            raise
    assert fault["seen"] == 2
    assert database_state() == before


def test_a_failure_while_purging_leaves_everything_as_before(
    app, runner, make_semester, make_student, make_tutor, fail_after_writing_flush
) -> None:
    semester = make_semester(name="Spring 2025", status="active")
    make_student(semester, display_name="Old Student*")
    make_tutor(semester)
    semester.status = "closed"
    semester.closed_at = datetime.now(UTC) - timedelta(days=400)
    db.session.commit()
    before = database_state()
    fault = fail_after_writing_flush(2)
    result = runner.invoke(args=["purge", "--semester", "Spring 2025", "--yes"])
    assert isinstance(result.exception, InjectedFault), result.output
    assert fault["seen"] == 2
    assert database_state() == before


def test_a_failure_while_importing_leaves_everything_as_before(
    app, runner, make_semester, make_user, fail_after_writing_flush, tmp_path
) -> None:
    semester = make_semester(name="Fall 2027")
    user = make_user(email="importer@example.org")
    db.session.commit()
    path = tmp_path / "applicants.csv"
    path.write_bytes(to_csv([student(), student(), tutor(), tutor()]))
    before = database_state()
    fault = fail_after_writing_flush(2)
    result = runner.invoke(
        args=["applicants", "import", "--semester", semester.name, "--by", user.email, str(path)]
    )
    assert isinstance(result.exception, InjectedFault), result.output
    assert fault["seen"] == 2
    assert database_state() == before


def test_concurrent_writers_never_see_database_is_locked(app_ctx, app) -> None:
    """Threads that read, then write (the pattern deferred SQLite transactions lose) all succeed."""
    db.session.commit()
    threads_count, writes_each = 8, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def writer(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for i in range(writes_each):
                    seen = db.session.scalar(select(func.count()).select_from(AuditEvent))
                    record_event("test.write", actor=f"thread:{n}", detail={"i": i, "seen": seen})
                    db.session.commit()
            except BaseException as error:
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    locked = [e for e in errors if isinstance(e, OperationalError) and "locked" in str(e)]
    assert not locked, locked[0]
    assert not errors, errors[0]
    total = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.write")
    )
    assert total == threads_count * writes_each
