"""Sign-up emails, the sharing question and private links that can be many and revoked."""

# ruff: noqa: F811  (the intake app fixture is imported and named as a parameter)
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, OutboxMessage
from matcher.services.applicants.links import (
    applicant_for_token,
    issue_extra_link,
    revoke_all_links,
)

from .fixtures import app  # noqa: F401  (intake app: no minimum fill time)
from .payloads import student_post, tutor_post


@pytest.fixture
def semester(make_semester):
    return make_semester(status="intake", name="Spring 2027")


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage) -> str:
    found = re.search(r"(\S+/me/[A-Za-z0-9_-]+)", message.body or "")
    assert found, message.body
    return found.group(1)


def test_a_student_sign_up_queues_a_korean_email_with_a_working_link(app, client, semester) -> None:
    app.config["BASE_URL"] = "https://match.example.org/"
    response = client.post("/apply/student", data=student_post(), headers={"Host": "evil.example"})
    assert response.status_code == 200  # the thank-you page answers the post itself
    [message] = outbox()
    student = db.session.scalars(select(Applicant)).one()
    assert (message.kind, message.language, message.applicant_id) == ("signup", "ko", student.id)
    assert message.to_address == "star.student@example.org"
    assert message.subject == "LELP 영어 프로그램 신청을 받았습니다"
    assert "별빛* 님" in message.body and "Spring 2027" in message.body
    link = link_in(message)
    assert link.startswith("https://match.example.org/me/")  # never the request's Host
    assert client.get(link.removeprefix("https://match.example.org")).status_code == 200


def test_a_tutor_choosing_english_gets_english(client, semester) -> None:
    response = client.post("/apply/tutor", data=tutor_post())
    [message] = outbox()
    assert (message.language, message.subject) == ("en", "We received your sign-up for LELP Match")
    assert message.body.startswith("Hello Robin Tutor,")
    done = response.get_data(as_text=True)
    assert "We are also sending it to your email address." in done


def test_sharing_the_email_is_asked_plainly_and_defaults_to_no(client, semester) -> None:
    page = client.get("/apply/tutor?lang=en").get_data(as_text=True)
    assert "May we give your email address to your partner?" in page
    assert re.search(r'name="share_contact"[^>]*value="no" checked', page)
    korean = client.get("/apply/student?lang=ko").get_data(as_text=True)
    assert "짝에게 내 이메일 주소를 알려 줘도 될까요?" in korean
    client.post("/apply/student", data=student_post())
    client.post("/apply/tutor", data=tutor_post(share_contact="yes"))
    shares = dict(db.session.execute(select(Applicant.role, Applicant.share_contact)).all())
    assert shares == {"student": False, "tutor": True}


def test_a_refused_sign_up_sends_nothing(client, semester) -> None:
    refused = client.post("/apply/student", data=student_post(slots=["Mon-19:00"]))
    assert "이어서 60분 이상인 시간" in refused.text  # answered next to the times
    assert outbox() == []


def test_an_address_we_cannot_mail_is_answered_next_to_the_field(client, semester) -> None:
    response = client.post("/apply/student", data=student_post(email="별@example.org"))
    assert response.status_code == 200
    assert "이 이메일 주소로는 메일을 보낼 수 없어요." in response.get_data(as_text=True)
    assert outbox() == [] and db.session.scalars(select(Applicant)).all() == []


def test_links_add_up_and_a_coordinator_revokes_them_all(make_student) -> None:
    student = make_student()
    first = issue_extra_link(student)
    second = issue_extra_link(student)
    assert applicant_for_token(first) is student and applicant_for_token(second) is student
    assert revoke_all_links(student, actor="user:1") >= 2
    assert applicant_for_token(first) is None and applicant_for_token(second) is None
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.links_revoked")
    )
    assert event.target == student.public_id and first not in repr(event.detail)


def test_the_revoke_button_cuts_off_every_link(client, make_user, login, make_student) -> None:
    student = make_student()
    token = issue_extra_link(student)
    login(client, make_user())
    page = client.get(f"/dashboard/applicants/{student.public_id}").get_data(as_text=True)
    assert "Revoke all private links" in page
    response = client.post(f"/dashboard/applicants/{student.public_id}/revoke-links")
    assert response.status_code == 302
    assert client.get(f"/me/{token}").status_code == 404


def test_signing_up_again_emails_the_owner_a_fresh_link_within_the_hourly_cap(
    app, client, semester
) -> None:
    """The page answers as for a new email; only the address's owner learns more, by email."""
    client.post("/apply/student", data=student_post())
    [first] = outbox()
    for _ in range(app.config["LINK_REQUESTS_PER_RECIPIENT"] + 2):
        again = client.post("/apply/student", data=student_post(display_name="Someone Else"))
        assert again.status_code == 200
    fresh = outbox()[1:]
    assert len(fresh) == app.config["LINK_REQUESTS_PER_RECIPIENT"]  # capped, not one per post
    student = db.session.scalars(select(Applicant)).one()
    assert {(m.kind, m.applicant_id, m.to_address) for m in fresh} == {
        ("link", student.id, "star.student@example.org")
    }
    assert "Someone Else" not in fresh[0].body  # what the stranger typed never reaches the owner
    for message in (first, fresh[0]):
        path = "/me/" + link_in(message).split("/me/", 1)[1]
        assert client.get(path).status_code == 200  # the fresh link works; the first still does
