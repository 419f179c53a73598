"""Coordinators see the pairs whose weekly session is not agreed after a week (and a tutor's
pairs that share one hour) and can set one of the valid starts for both people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Match, PairSession
from matcher.services.sessions.agreement import state_of, sync_semester

pytestmark = pytest.mark.db


def _pair(semester, student, tutor):
    m = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    db.session.add(m)
    db.session.flush()
    return m


def test_waiting_and_overlapping_pairs_listed_and_set(
    client, login, make_user, make_semester, make_student, make_tutor
):
    semester = make_semester(name="Spring 2027", status="active")
    fresh = _pair(
        semester,
        make_student(semester, windows="Mon 19:00-23:00"),
        make_tutor(semester, windows="Mon 10:00-16:00", timezone="Europe/London"),
    )
    old = _pair(
        semester,
        make_student(semester, windows="Tue 19:00-23:00"),
        make_tutor(semester, windows="Tue 10:00-16:00", timezone="Europe/London"),
    )
    # One tutor, two students, one shared hour: no separate times exist.
    busy = make_tutor(semester, windows="Thu 20:00-21:00", capacity=2)
    a = _pair(semester, make_student(semester, windows="Thu 20:00-21:00"), busy)
    b = _pair(semester, make_student(semester, windows="Thu 20:00-21:00"), busy)
    sync_semester(semester)
    row = db.session.scalar(select(PairSession).where(PairSession.match_id == old.id))
    row.proposed_at -= timedelta(days=8)
    login(client, make_user())
    page = client.get(f"/dashboard/semesters/{semester.id}/sessions/").get_data(as_text=True)
    assert f'<tr id="{old.public_id}">' in page and fresh.public_id not in page
    assert a.public_id in page and b.public_id in page and "overlaps another pair" in page
    assert "Tue 19:00-20:00" in page  # the Seoul time of the waiting pair's session
    other = state_of(old).options[-1]
    response = client.post(
        f"/dashboard/semesters/{semester.id}/sessions/{old.public_id}", data={"start": other.key}
    )
    assert response.status_code == 303
    row = db.session.scalar(select(PairSession).where(PairSession.match_id == old.id))
    assert row.agreed_at is not None and row.start_minutes == other.starts
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "session.set"))
    page = client.get(f"/dashboard/semesters/{semester.id}/sessions/").get_data(as_text=True)
    assert f'<tr id="{old.public_id}">' not in page and f'<tr id="{a.public_id}">' in page


def test_needs_a_coordinator(client, make_semester):
    semester = make_semester()
    db.session.commit()
    response = client.get(f"/dashboard/semesters/{semester.id}/sessions/")
    assert response.status_code in (302, 401)


def test_matching_page_shows_each_pairs_session(
    client, login, make_user, make_semester, make_student, make_tutor
):
    semester = make_semester(name="Spring 2027", status="matching")
    _pair(
        semester,
        make_student(semester, windows="Mon 19:00-23:00"),
        make_tutor(semester, windows="Mon 10:00-16:00", timezone="Europe/London"),
    )
    _pair(
        semester,
        make_student(semester, windows="Fri 20:00-21:00"),
        make_tutor(semester, windows="Sun 03:00-04:00"),  # no common time: made by hand
    )
    sync_semester(semester)
    login(client, make_user())
    page = client.get(f"/dashboard/semesters/{semester.id}/matching").get_data(as_text=True)
    assert '<td class="pair-session">Mon 19:00-20:00</td>' in page
    assert '<td class="pair-session">none: <a href=' in page
