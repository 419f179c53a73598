"""Agreeing the weekly session: stored proposals, acceptances, changes, coordinators' choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Match, PairSession
from matcher.services.errors import DomainError
from matcher.services.sessions.agreement import (
    choose,
    coordinator_set,
    not_agreed,
    state_of,
    sync_semester,
)

pytestmark = pytest.mark.db


@pytest.fixture
def pair(make_semester, make_student, make_tutor):
    semester = make_semester(name="Spring 2027")
    student = make_student(semester, windows="Mon 19:00-23:00")
    tutor = make_tutor(semester, windows="Mon 10:00-16:00", timezone="Europe/London")
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    db.session.add(match)
    db.session.flush()
    return semester, match


def _row(match):
    return db.session.scalar(select(PairSession).where(PairSession.match_id == match.id))


def test_sync_stores_the_proposal_once(pair):
    semester, match = pair
    sync_semester(semester)
    row = _row(match)
    state = state_of(match)
    assert row.start_minutes == state.session.starts and row.revision == 1
    assert not state.agreed and len(state.options) > 1
    sync_semester(semester)
    assert _row(match).revision == 1  # still fits: kept as it was


def test_both_accepting_the_same_start_agrees(pair):
    semester, match = pair
    sync_semester(semester)
    key = state_of(match).session.key
    choose(match.student, match, key)
    state = state_of(match)
    assert state.student_accepted and not state.tutor_accepted and not state.agreed
    choose(match.tutor, match, key)
    state = state_of(match)
    assert state.agreed and _row(match).agreed_at is not None
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("session.accepted") == 2


def test_a_change_asks_the_other_again(pair):
    semester, match = pair
    sync_semester(semester)
    first = state_of(match)
    choose(match.student, match, first.session.key)
    choose(match.tutor, match, first.session.key)
    other = first.options[-1]
    choose(match.tutor, match, other.key)
    state = state_of(match)
    assert state.session.starts == other.starts
    assert state.tutor_accepted and not state.student_accepted and not state.agreed
    assert _row(match).revision == 2 and _row(match).changed_by == "tutor"
    choose(match.student, match, other.key)
    assert state_of(match).agreed


def test_an_unknown_start_is_refused_and_nothing_changes(pair):
    semester, match = pair
    sync_semester(semester)
    with pytest.raises(DomainError) as error:
        choose(match.student, match, "not-a-start")
    assert error.value.field == "start"
    assert not _row(match).student_accepted


def test_coordinator_sets_a_start_for_both(pair):
    semester, match = pair
    sync_semester(semester)
    other = state_of(match).options[-1]
    coordinator_set(match, other.key, actor="user:1")
    state = state_of(match)
    assert state.agreed and state.session.starts == other.starts
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.set"))


def test_pairs_not_agreed_after_a_week(pair):
    semester, match = pair
    sync_semester(semester)
    now = datetime.now(UTC)
    assert not_agreed(semester, now) == []
    assert [m for m, _ in not_agreed(semester, now + timedelta(days=8))] == [match]
    key = state_of(match).session.key
    choose(match.student, match, key)
    choose(match.tutor, match, key)
    assert not_agreed(semester, now + timedelta(days=8)) == []


def test_a_stored_session_that_no_longer_fits_is_proposed_again(pair):
    semester, match = pair
    sync_semester(semester)
    key = state_of(match).session.key
    choose(match.student, match, key)
    match.tutor.availability = "Mon 13:00-16:00"  # the earlier hours are gone
    sync_semester(semester)
    row = _row(match)
    assert row.revision == 2 and not row.student_accepted and row.changed_by == "engine"
