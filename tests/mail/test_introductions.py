"""Introductions: one per person per confirmed pair, in their language, contacts only if shared."""

# ruff: noqa: F811  (the smtp_server fixture is imported and named as a parameter)
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, Match, OutboxMessage, Semester

from .smtp_server import smtp_server  # noqa: F401

# A Seoul Thursday morning is a New York Wednesday evening, an hour later once US clocks move.
STUDENT_TIMES = "Thu 09:00-10:00"
TUTOR_TIMES = "Wed 19:00-20:00; from 2027-03-14: Wed 20:00-21:00"


def pair(semester: Semester, student: Applicant, tutor: Applicant, status="confirmed") -> Match:
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status=status,
        windows_student_local=STUDENT_TIMES,
        windows_tutor_local=TUTOR_TIMES,
        confirmed_at=datetime(2027, 3, 2, tzinfo=UTC) if status == "confirmed" else None,
    )
    db.session.add(match)
    db.session.flush()
    return match


@pytest.fixture
def spring(make_semester, make_student, make_tutor):
    semester = make_semester(name="Spring 2027", status="active")
    ara = make_student(semester, display_name="아라*", email="ara@example.org")
    tess = make_tutor(
        semester, display_name="Tess", email="tess@example.org", timezone="America/New_York"
    )
    tess.language = "en"
    tess.share_contact = True  # Tess agreed; Ara did not
    bo = make_student(semester, display_name="보라", email="bo@example.org")
    cy = make_tutor(semester, display_name="Cy", email="cy@example.org")
    pair(semester, ara, tess)
    pair(semester, bo, cy, status="proposed")  # not confirmed: nobody is introduced
    db.session.commit()
    return {"ara": ara, "tess": tess}


def introduce(runner):
    return runner.invoke(args=["match", "introduce", "--semester", "Spring 2027"])


def by_reader() -> dict[int | None, OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "introduction"))
    return {m.applicant_id: m for m in rows}


def test_each_person_of_a_confirmed_pair_is_introduced_once(spring, runner) -> None:
    first = introduce(runner)
    assert first.exit_code == 0, first.output
    assert "Queued 2 introduction(s)." in first.output
    again = introduce(runner)
    assert "Queued 0 introduction(s)." in again.output
    assert set(by_reader()) == {spring["ara"].id, spring["tess"].id}


def test_the_student_reads_korean_local_times_and_the_shared_email(spring, runner) -> None:
    introduce(runner)
    message = by_reader()[spring["ara"].id]
    assert message.subject == "LELP 짝을 소개합니다: Tess"
    assert "  목 09:00-10:00\n\n" in message.body
    assert "tess@example.org" in message.body  # Tess agreed to share
    assert "Asia/Seoul" in message.body


def test_the_tutor_reads_english_and_no_address_the_student_kept(spring, runner) -> None:
    introduce(runner)
    message = by_reader()[spring["tess"].id]
    assert message.subject == "Meet your LELP partner: 아라*"
    assert "  Wednesday 19:00-20:00\n  from 2027-03-14: Wednesday 20:00-21:00\n" in message.body
    assert "ara@example.org" not in message.body
    assert "A coordinator will put you in touch with 아라*." in message.body
    link = re.search(r"/me/([A-Za-z0-9_-]+)", message.body)
    assert link


def test_introductions_reach_each_person_over_smtp_with_no_other_address(
    app, spring, runner, smtp_server
) -> None:
    introduce(runner)
    app.config["MAIL_URL"] = smtp_server.url

    result = runner.invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    received = {item.rcpt_tos[0]: item for item in smtp_server.recorder.received}
    assert set(received) == {"ara@example.org", "tess@example.org"}
    to_ara, to_tess = received["ara@example.org"], received["tess@example.org"]
    assert to_ara.message["Subject"] == "LELP 짝을 소개합니다: Tess"
    assert "tess@example.org" in to_ara.message.get_content()
    tess_reads = to_tess.message.get_content() + str(dict(to_tess.message.items()))
    assert "ara@example.org" not in tess_reads and "아라*" in tess_reads
    assert to_tess.message.get_content().startswith("Hello Tess,")
    assert introduce(runner).output.strip() == "Queued 0 introduction(s)."


def test_the_matching_page_shows_the_messages_before_queueing(
    spring, client, make_user, login
) -> None:
    login(client, make_user())
    semester_id = spring["ara"].semester_id
    matching = client.get(f"/dashboard/semesters/{semester_id}/matching").get_data(as_text=True)
    assert f"/dashboard/semesters/{semester_id}/introductions" in matching
    preview = client.get(f"/dashboard/semesters/{semester_id}/introductions").get_data(as_text=True)
    assert "LELP 짝을 소개합니다: Tess" in preview and "Meet your LELP partner" in preview
    assert "/me/" not in preview  # links are minted only when queued
    assert by_reader() == {}
    response = client.post(f"/dashboard/semesters/{semester_id}/introductions")
    assert response.status_code == 302
    assert len(by_reader()) == 2


def _end(client, match: Match, reason: str, **extra: str):
    return client.post(
        f"/dashboard/pairs/{match.public_id}/end",
        data={"version": match.version, "reason": reason, **extra},
    )


def ended_mail() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "pair_ended")
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_ending_a_pair_tells_both_without_the_reason(spring, client, make_user, login) -> None:
    login(client, make_user())
    match = db.session.scalars(select(Match).where(Match.status == "confirmed")).one()
    assert _end(client, match, "Tess is moving abroad").status_code == 302
    messages = ended_mail()
    assert {m.applicant_id for m in messages} == {spring["ara"].id, spring["tess"].id}
    assert all("moving abroad" not in (m.body or "") for m in messages)
    to_ara = next(m for m in messages if m.applicant_id == spring["ara"].id)
    assert to_ara.subject == "LELP 짝이 종료되었습니다" and "Tess 님과의 짝" in to_ara.body


def test_the_coordinator_may_include_the_reason(spring, client, make_user, login) -> None:
    login(client, make_user())
    match = db.session.scalars(select(Match).where(Match.status == "confirmed")).one()
    _end(client, match, "schedules no longer fit", tell_reason="yes")
    to_tess = next(m for m in ended_mail() if m.applicant_id == spring["tess"].id)
    assert "The coordinator wrote: schedules no longer fit" in to_tess.body


def test_a_proposed_pair_that_ends_tells_nobody(spring, client, make_user, login) -> None:
    login(client, make_user())
    proposed = db.session.scalars(select(Match).where(Match.status == "proposed")).one()
    _end(client, proposed, "not a good fit")
    assert ended_mail() == []


def test_when_a_student_withdraws_the_tutor_is_told_without_a_reason(spring) -> None:
    from matcher.services.applicants.signup import withdraw_application

    withdraw_application(spring["ara"])
    db.session.flush()
    [message] = ended_mail()
    assert message.applicant_id == spring["tess"].id
    assert "withdrawn" not in message.body and "The coordinator wrote" not in message.body


def test_an_introduction_gives_the_weekly_session_and_attaches_the_calendar(
    app, runner, make_semester, make_student, make_tutor, smtp_server
) -> None:
    from matcher.services.sessions.agreement import sync_semester

    semester = make_semester(name="Spring 2027", status="active")
    student = make_student(semester, windows="Thu 08:00-10:00", email="ara@example.org")
    tutor = make_tutor(
        semester, windows="Wed 19:00-21:00", timezone="America/New_York", email="t@example.org"
    )
    tutor.language = "en"
    match = pair(semester, student, tutor)
    sync_semester(semester)
    db.session.commit()
    assert introduce(runner).exit_code == 0
    to_tutor = by_reader()[tutor.id]
    assert "Your weekly session:\n  Wednesday 19:00-20:00\n" in to_tutor.body
    app.config["MAIL_URL"] = smtp_server.url
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    received = {r.rcpt_tos[0]: r.message for r in smtp_server.recorder.received}
    [calendar] = [p for p in received["t@example.org"].iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    assert f"UID:{match.public_id}@lelp-match" in calendar.get_content()


def test_a_coordinator_waitlisting_one_person_tells_the_partner(spring) -> None:
    from matcher.services.applicants.review import set_status

    assert set_status(spring["ara"], "waitlisted", actor="test") == 1
    [message] = ended_mail()
    assert message.applicant_id == spring["tess"].id  # the coordinator deals with Ara directly
    assert "waitlisted" not in message.body and "The coordinator wrote" not in message.body


def test_erasing_a_person_sends_no_letter_that_would_name_them(spring) -> None:
    from matcher.services.applicants.review import erase_applicant

    assert erase_applicant(spring["ara"], actor="test") == 1
    assert ended_mail() == []


def test_an_import_that_moves_a_tutors_times_tells_both_people(spring) -> None:
    from importing.files import to_csv, tutor

    from matcher.applicant_file import read_applicant_file
    from matcher.services.files.importing import import_applicants

    moved = tutor(email="tess@example.org", display_name="Tess", availability="Fri 19:00-21:00")
    semester = spring["tess"].semester
    file = read_applicant_file(to_csv([moved]), "moved.csv")
    summary = import_applicants(
        semester, file, status="approved", imported_by=None, notice_version="t", actor="test"
    )
    assert summary.ended_pairs == 1
    assert {m.applicant_id for m in ended_mail()} == {spring["ara"].id, spring["tess"].id}
