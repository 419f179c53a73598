""" "Email me my link": one answer for every address, a fresh link only for current people."""

# ruff: noqa: F811  (the intake app fixture is imported and named as a parameter)
from __future__ import annotations

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage

from .fixtures import app  # noqa: F401  (intake app: no minimum fill time)
from .payloads import done_link, student_post


def outbox(kind: str = "link") -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def ask(client, email: str):
    return client.post("/link?lang=en", data={"email": email})


def answer_text(response) -> str:
    """The page without the CSRF token and nonces, which differ on every response."""
    text = response.get_data(as_text=True)
    return re.sub(r'(value|nonce)="[^"]*"', "", text)


def test_a_known_and_an_unknown_address_get_the_same_answer(client, make_semester) -> None:
    make_semester(status="intake")
    first_link = done_link(client.post("/apply/student", data=student_post()))
    known = ask(client, "Star.Student@example.org ")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert answer_text(known) == answer_text(unknown)
    assert "Check your email" in known.get_data(as_text=True)
    [message] = outbox()
    assert message.to_address == "star.student@example.org" and message.language == "ko"
    fresh = re.search(r"/me/[A-Za-z0-9_-]+", message.body).group(0)
    assert client.get(fresh).status_code == 200
    assert client.get(first_link).status_code == 200  # a person may hold several links
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.link_requested")
    )
    assert "star" not in repr(event.detail) + (event.target or "")


def test_no_link_for_a_closed_semester_or_a_withdrawn_person(
    client, make_semester, make_student
) -> None:
    closed = make_semester(status="active")
    make_student(closed, email="old@example.org")
    make_student(make_semester(status="active"), email="gone@example.org", status="withdrawn")
    closed.status = "closed"
    db.session.commit()
    ask(client, "old@example.org")
    ask(client, "gone@example.org")
    assert outbox() == []


def test_one_recipient_gets_at_most_three_an_hour(client, make_semester, make_student) -> None:
    make_student(make_semester(status="active"), email="kim@example.org")
    db.session.commit()
    for _ in range(5):
        assert ask(client, "kim@example.org").status_code == 200
    assert len(outbox()) == 3


def test_one_client_address_is_limited(client, app, make_semester) -> None:
    make_semester(status="intake")
    codes = [ask(client, f"p{n}@example.org").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]


def test_a_bad_address_is_answered_next_to_the_field(client, make_semester) -> None:
    response = ask(client, "not an email")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="not an email"' in page
    assert "Please enter an email address like name@example.com." in page


def test_the_home_and_404_pages_point_to_it(client) -> None:
    assert "/link" in client.get("/?lang=en").get_data(as_text=True)
    assert "/link" in client.get("/me/no-such-token").get_data(as_text=True)
    korean = client.get("/link?lang=ko").get_data(as_text=True)
    assert "개인 링크를 이메일로 받기" in korean
