"""The private link: status, edit while in intake, change times later, withdraw at any time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Match

from .fixtures import app  # noqa: F401  (intake app: no minimum fill time)
from .payloads import done_link, student_post, tutor_post


@pytest.fixture
def semester(make_semester):
    return make_semester(status="intake")


@pytest.fixture
def student_link(client, semester) -> str:
    return done_link(client.post("/apply/student", data=student_post()))


def the_student() -> Applicant:
    return db.session.scalars(select(Applicant).where(Applicant.role == "student")).one()


def pair(student: Applicant, tutor: Applicant, status: str = "confirmed") -> Match:
    match = Match(
        semester_id=student.semester_id,
        student_id=student.id,
        tutor_id=tutor.id,
        status=status,
        windows_student_local="Thu 09:00-10:00",
        windows_tutor_local="Wed 19:00-20:00; from 2027-03-14: Wed 20:00-21:00",
        confirmed_at=datetime.now(UTC) if status == "confirmed" else None,
    )
    db.session.add(match)
    db.session.commit()
    return match


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_unknown_token_is_a_404_that_says_nothing(client, semester) -> None:
    response = client.get("/me/not-a-real-token?lang=en")
    assert response.status_code == 404 and "check that you copied all of it" in response.get_data(
        as_text=True
    )


def test_status_moves_from_received_to_approved_to_waitlisted(client, student_link) -> None:
    assert "접수됨" in client.get(student_link).get_data(as_text=True)
    student = the_student()
    student.status = "approved"
    db.session.commit()
    assert "승인됨" in client.get(student_link).get_data(as_text=True)
    student.status = "waitlisted"
    db.session.commit()
    assert "대기 중" in client.get(student_link).get_data(as_text=True)


def test_page_speaks_the_stored_language_unless_the_visitor_switches(client, student_link) -> None:
    headers = {"Accept-Language": "en-US,en;q=0.9"}
    assert '<html lang="ko">' in client.get(student_link, headers=headers).get_data(as_text=True)
    assert '<html lang="en">' in client.get(student_link + "?lang=en").get_data(as_text=True)


def test_partner_shown_only_once_the_pair_is_confirmed(client, student_link, make_tutor) -> None:
    student = the_student()
    student.status = "approved"
    tutor = make_tutor(semester=student.semester, display_name="Robin <Tutor>")
    match = pair(student, tutor, status="proposed")
    page = client.get(student_link).get_data(as_text=True)
    assert "Robin" not in page and "승인됨" in page
    match.status = "confirmed"
    match.confirmed_at = datetime.now(UTC)
    db.session.commit()
    page = client.get(student_link).get_data(as_text=True)
    assert "내 짝: Robin &lt;Tutor&gt;" in page and "<li>목 09:00-10:00</li>" in page


def test_a_pair_with_no_common_time_says_a_coordinator_will_agree_one(
    client, student_link, make_tutor
) -> None:
    """A pair made by hand with an override may share no time: never a blank time line."""
    student = the_student()
    student.status = "approved"
    # No common time at all (the student's times are Seoul evenings), so no weekly session.
    match = pair(student, make_tutor(semester=student.semester, windows="Sun 03:00-04:00"))
    match.windows_student_local = ""
    db.session.commit()
    page = client.get(student_link).get_data(as_text=True)
    assert "매주 만날 시간은 코디네이터가 두 분과 함께 정할 거예요." in page
    assert "매주 만나는 시간" not in page


def test_tutor_sees_each_student_in_local_time_with_clock_changes(
    client, semester, make_student
) -> None:
    link = done_link(client.post("/apply/tutor", data=tutor_post()))
    tutor = db.session.scalars(select(Applicant).where(Applicant.role == "tutor")).one()
    tutor.status = "approved"
    pair(make_student(semester=semester, display_name="Min*"), tutor)
    page = client.get(link).get_data(as_text=True)
    assert "Your partner: Min*" in page
    assert (
        "<li>Wednesday 19:00-20:00</li>" in page
        and "from 2027-03-14: Wednesday 20:00-21:00" in page
    )


def test_edit_during_intake_changes_answers_and_is_audited(client, student_link) -> None:
    form = client.get(student_link + "/edit").get_data(as_text=True)
    assert 'value="별빛*"' in form and 'value="Wed-20:30" id="slot-Wed-2030" checked' in form
    assert 'name="consent"' not in form
    response = client.post(
        student_link + "/edit",
        data=student_post(display_name="새별", level="advanced", consent=None),
    )
    assert response.status_code == 303
    student = the_student()
    assert (student.display_name, student.levels) == ("새별", "advanced")
    assert [e.target for e in events("applicant.edited")] == [student.public_id]


def test_edit_keeps_everything_typed_on_error(client, student_link) -> None:
    page = client.post(
        student_link + "/edit", data=student_post(display_name="", note="메모")
    ).get_data(as_text=True)
    assert 'id="display_name-error"' in page and "메모</textarea>" in page
    assert the_student().display_name == "별빛*"


def test_edit_cannot_take_an_email_already_used(client, student_link) -> None:
    client.post(
        "/apply/student", data=student_post(email="other@example.org", display_name="Other")
    )
    page = client.post(
        student_link + "/edit", data=student_post(email="other@example.org")
    ).get_data(as_text=True)
    assert "이미 신청했어요" in page and "Other" not in page
    emails = db.session.scalars(select(Applicant.email).order_by(Applicant.id)).all()
    assert emails == ["star.student@example.org", "other@example.org"]


def test_after_intake_only_times_change_and_a_pair_is_freed(
    client, student_link, make_tutor
) -> None:
    student = the_student()
    student.status = "approved"
    student.semester.status = "active"
    tutor = make_tutor(semester=student.semester)
    match = pair(student, tutor)
    page = client.get(student_link + "/edit").get_data(as_text=True)
    assert 'name="display_name"' not in page and 'name="slots"' in page
    response = client.post(student_link + "/edit", data={"slots": ["Tue-18:00", "Tue-18:30"]})
    assert response.status_code == 303
    db.session.expire_all()
    assert the_student().availability == "Tue 18:00-19:00"
    assert match.status == "ended" and match.ended_at is not None
    assert match.end_reason == "availability changed by applicant"
    ended = events("match.ended_by_applicant")
    assert [e.target for e in ended] == [match.public_id]
    assert "새 짝을 찾아볼" in client.get(student_link).get_data(as_text=True)


def test_same_times_after_intake_keep_the_pair(client, student_link, make_tutor) -> None:
    student = the_student()
    student.semester.status = "active"
    match = pair(student, make_tutor(semester=student.semester))
    client.post(student_link + "/edit", data={"slots": student_post()["slots"]})
    db.session.expire_all()
    assert match.status == "confirmed"


def test_the_edit_page_is_titled_as_a_change(client, student_link) -> None:
    page = client.get(student_link + "/edit?lang=en").get_data(as_text=True)
    assert "<title>Change your application · LELP Match</title>" in page


def test_a_change_that_still_fits_keeps_the_pair_and_updates_its_times(
    client, student_link, make_tutor
) -> None:
    """Adding a time (here during sign-ups, on the full form) must not break a confirmed pair."""
    student = the_student()
    tutor = make_tutor(semester=student.semester, gender="female", windows="Mon 19:00-21:00")
    match = pair(student, tutor)
    more = student_post(slots=[*student_post()["slots"], "Sat-10:00", "Sat-10:30"])
    answer = client.post(student_link + "/edit", data=more, follow_redirects=True)
    db.session.expire_all()
    assert "Sat 10:00-11:00" in the_student().availability
    assert match.status == "confirmed"
    assert match.windows_student_local == "Mon 19:00-20:00"  # recomputed by the engine
    assert "새 짝을 찾아볼" not in answer.get_data(as_text=True)


def test_a_change_that_no_longer_fits_ends_the_pair_and_says_so(
    client, student_link, make_tutor
) -> None:
    student = the_student()
    tutor = make_tutor(semester=student.semester, gender="female", windows="Mon 19:00-21:00")
    match = pair(student, tutor)
    fewer = student_post(slots=["Wed-20:00", "Wed-20:30"])
    answer = client.post(student_link + "/edit?lang=en", data=fewer, follow_redirects=True)
    db.session.expire_all()
    assert (match.status, match.end_reason) == ("ended", "availability changed by applicant")
    assert "Your pair has ended" in answer.get_data(as_text=True)
    assert [e.target for e in events("match.ended_by_applicant")] == [match.public_id]


def test_withdraw_needs_confirmation_then_frees_the_partner(
    client, student_link, make_tutor
) -> None:
    student = the_student()
    student.semester.status = "active"
    match = pair(student, make_tutor(semester=student.semester))
    client.post(student_link + "/withdraw", data={})
    db.session.expire_all()
    assert the_student().status == "pending"
    response = client.post(student_link + "/withdraw", data={"confirm": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert the_student().status == "withdrawn"
    assert (match.status, match.end_reason) == ("ended", "withdrawn by applicant")
    assert [e.target for e in events("applicant.withdrawn")] == [student.public_id]
    assert [e.target for e in events("match.ended_by_applicant")] == [match.public_id]
    page = client.get(student_link).get_data(as_text=True)
    assert "취소됨" in page and 'action="' + student_link + '/withdraw"' not in page
    assert client.get(student_link + "/edit").status_code == 303


def test_a_closed_semester_is_final_so_withdrawing_changes_nothing(client, student_link) -> None:
    """Its roster is the record of what happened; the page says whom to ask instead."""
    the_student().semester.status = "closed"
    db.session.commit()
    page = client.get(student_link + "?lang=en").get_data(as_text=True)
    assert "/withdraw" not in page and "This semester has ended" in page
    answer = client.post(student_link + "/withdraw", data={"confirm": "y"}, follow_redirects=True)
    assert "please ask a coordinator" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert the_student().status == "pending"  # as it was: not withdrawn
    korean = client.get(student_link + "?lang=ko").get_data(as_text=True)
    assert "이번 학기는 끝나서 취소할 신청이 없어요" in korean


def test_the_token_never_reaches_the_request_log(client, student_link, caplog) -> None:
    import logging

    from matcher.security.logs import PrivateLinkFilter

    token = student_link.rsplit("/", 1)[1]
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, PrivateLinkFilter) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        # What the development server writes for each request (gunicorn's access log alike).
        logger.info('%s - - "%s" %s -', "127.0.0.1", f"GET {student_link}/edit HTTP/1.1", "200")
    assert token not in caplog.text and "/me/[redacted]/edit" in caplog.text


@pytest.mark.parametrize(
    "path",
    ["/me%2F{token}", "/me%2f{token}/edit", "/%6De/{token}", "//me/{token}", "/me/{token}%2Fedit"],
)
def test_encoded_spellings_of_the_private_link_are_redacted_too(
    client, student_link, caplog, path
) -> None:
    """Decoded, each spelling names the private page, so each carries the token into the log."""
    import logging

    token = student_link.rsplit("/", 1)[1]
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info(
            '%s - - "%s" %s -', "127.0.0.1", f"GET {path.format(token=token)} HTTP/1.1", 200
        )
    assert token not in caplog.text and "/me/[redacted]" in caplog.text
