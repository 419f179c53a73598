"""The dashboard's outbox: counts by status, a failed message sent again, the overview's warning."""

# ruff: noqa: F811  (the smtp_server fixture is imported and named as a parameter)
from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, OutboxMessage

from .outbox_helpers import queue
from .smtp_server import smtp_server  # noqa: F401


def test_a_failed_message_is_visible_retried_and_delivered(
    app, client, make_user, login, make_semester, smtp_server
) -> None:
    semester = make_semester(status="intake")
    smtp_server.recorder.replies.append("554 5.7.1 Rejected")
    app.config["MAIL_URL"] = smtp_server.url
    message_id = queue(address="kim@example.org").id
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["mail", "send"]).exit_code == 1
    login(client, make_user())

    overview = client.get(f"/dashboard/semesters/{semester.id}").get_data(as_text=True)
    assert 'id="mail-trouble"' in overview and "1 message(s) failed for good" in overview
    page = client.get("/dashboard/outbox?status=failed").get_data(as_text=True)
    assert f'id="message-{message_id}"' in page and "554 5.7.1 refused" in page
    assert "kim@example.org" not in page and "지민" not in page  # ids only, no contacts

    retried = client.post(f"/dashboard/outbox/{message_id}/retry")
    assert retried.status_code == 302
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
    assert [r.rcpt_tos for r in smtp_server.recorder.received] == [["kim@example.org"]]
    overview = client.get(f"/dashboard/semesters/{semester.id}").get_data(as_text=True)
    assert 'id="mail-trouble"' not in overview
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.retry"))
    assert event.target == f"outbox:{message_id}"


def test_only_a_failed_message_can_be_retried(app, client, make_user, login) -> None:
    message_id = queue().id
    db.session.commit()
    login(client, make_user())
    client.post(f"/dashboard/outbox/{message_id}/retry")
    row = db.session.get(OutboxMessage, message_id)
    assert row is not None and row.attempts == 0
    assert "Only a message that failed" in client.get("/dashboard/outbox").get_data(as_text=True)
