"""Both people see the session on their private page in their own time, accept it or pick
another valid start, and download the calendar file; no login, the private link is the key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Match, PairSession
from matcher.services.applicants.adding import new_edit_token
from matcher.services.sessions.agreement import state_of, sync_semester

pytestmark = pytest.mark.db


def _link(applicant) -> str:
    token, token_hash = new_edit_token()
    applicant.edit_token_hash = token_hash
    return f"/me/{token}"


@pytest.fixture
def people(make_semester, make_student, make_tutor):
    semester = make_semester(name="Spring 2027", status="active")
    student = make_student(semester, windows="Thu 08:00-10:00", display_name="별*")
    tutor = make_tutor(
        semester, windows="Wed 19:00-21:00", timezone="America/New_York", display_name="Robin"
    )
    tutor.language = "en"
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 2, 1, tzinfo=UTC),
        windows_student_local="Thu 08:00-10:00",
        windows_tutor_local="Wed 18:00-21:00",
    )
    db.session.add(match)
    db.session.flush()
    sync_semester(semester)
    links = _link(student), _link(tutor)
    db.session.commit()
    return match, *links


def test_each_sees_the_session_in_their_own_time(client, people):
    _, student_link, tutor_link = people
    # New York's Wed 19:00-21:00 is Thu 09:00-11:00 in Seoul until 14 March, 08:00-10:00 after.
    # Keeping the tutor's 19:00 and keeping Seoul's 09:00 both move once for someone; the
    # tutor's is earlier after the change, so the student's time moves, and the page says when.
    page = client.get(student_link).get_data(as_text=True)
    assert "매주 수업" in page and "<li>목요일 09:00-10:00</li>" in page
    assert "<li>2027-03-14부터: 목요일 08:00-09:00</li>" in page
    assert "2027-03-18부터는 시계가 바뀌어서 목요일 08:00에 시작해요 (전에는 09:00)." in page
    page = client.get(tutor_link).get_data(as_text=True)
    assert '<ul class="session"><li>Wednesday 19:00-20:00</li></ul>' in page
    # The other valid start keeps Seoul's 09:00: the tutor's clock then moves.
    assert "Wednesday 19:00-20:00; from 2027-03-14: Wednesday 20:00-21:00</label>" in page
    assert "Other times you both have" in page


def test_accept_then_partner_accepts_then_change_asks_again(client, people):
    match, student_link, tutor_link = people
    key = state_of(match).session.key
    post = {"pair": match.public_id, "start": key}
    assert client.post(student_link + "/session", data=post).status_code == 303
    page = client.get(tutor_link).get_data(as_text=True)
    assert "Your partner has accepted it." in page
    client.post(tutor_link + "/session", data=post)
    assert "You have both agreed to this time." in client.get(tutor_link).get_data(as_text=True)
    other = state_of(match).options[-1]
    client.post(tutor_link + "/session", data={"pair": match.public_id, "start": other.key})
    row = db.session.scalar(select(PairSession))
    assert row.start_minutes == other.starts and row.tutor_accepted and not row.student_accepted
    actions = [
        e.action for e in db.session.scalars(select(AuditEvent)) if e.target == match.public_id
    ]
    assert actions.count("session.accepted") == 2 and actions.count("session.changed") == 1


def test_a_start_that_is_not_offered_changes_nothing(client, people):
    match, student_link, _ = people
    response = client.post(
        student_link + "/session",
        data={"pair": match.public_id, "start": "0000"},
        follow_redirects=True,
    )
    assert "다시 골라 주세요" in response.get_data(as_text=True)
    assert not db.session.scalar(select(PairSession)).student_accepted


def test_download_is_the_persons_calendar_file(client, people):
    pytest.importorskip("icalendar")
    match, student_link, _ = people
    response = client.get(student_link + "/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Cache-Control"] == "no-store"
    assert f"UID:{match.public_id}@lelp-match" in response.get_data(as_text=True)


def test_a_closed_semester_shows_the_session_without_forms(client, people):
    match, student_link, _ = people
    match.student.semester.status = "closed"
    match.student.semester.closed_at = datetime(2027, 6, 30, tzinfo=UTC)
    db.session.commit()
    page = client.get(student_link).get_data(as_text=True)
    assert "매주 수업" in page and "/session" not in page
    key = state_of(match).session.key
    response = client.post(student_link + "/session", data={"pair": match.public_id, "start": key})
    assert response.status_code == 303
    assert not db.session.scalar(select(PairSession)).student_accepted


def test_the_other_person_is_told_by_email_with_the_calendar(client, people):
    from matcher.models import OutboxMessage

    match, student_link, tutor_link = people
    key = state_of(match).session.key
    client.post(student_link + "/session", data={"pair": match.public_id, "start": key})
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session"))
    assert message.applicant_id == match.tutor_id and message.language == "en"
    assert message.subject == "별* accepted your weekly time"
    assert "Wednesday 19:00-20:00" in message.body and "/me/" in message.body
    assert f"UID:{match.public_id}@lelp-match" in (message.calendar or "")
    client.post(tutor_link + "/session", data={"pair": match.public_id, "start": key})
    latest = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "session").order_by(OutboxMessage.id)
    ).all()[-1]
    assert latest.applicant_id == match.student_id and latest.language == "ko"
    assert latest.subject == "매주 LELP 수업 시간이 정해졌습니다"
    assert "목요일 09:00-10:00" in latest.body
