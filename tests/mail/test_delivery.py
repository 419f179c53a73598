# ruff: noqa: F811  (the smtp_server fixture is imported from .smtp_server and named as a parameter)
"""`mail send` against a real SMTP server: delivery, deferral, refusal and an outage."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.services.mail.delivery import deliver_pass

from .outbox_helpers import mail_app, queue
from .smtp_server import Recorder, SmtpServer, free_port, smtp_server  # noqa: F401

# They build their own app (make_app), so conftest does not mark them for the PostgreSQL pass.
pytestmark = pytest.mark.db


def _send(app, *args: str):
    return app.test_cli_runner().invoke(args=["mail", "send", *args])


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    assert row is not None
    return row


def test_delivers_a_korean_message_and_keeps_only_the_fact(make_app, smtp_server) -> None:
    with mail_app(make_app, smtp_server.url) as app:
        message_id = queue().id
        db.session.commit()

        result = _send(app)

        assert result.exit_code == 0, result.output
        assert "sent 1, waiting to retry 0, failed for good 0" in result.output
        [received] = smtp_server.recorder.received
        assert received.rcpt_tos == ["jimin@example.org"]
        email = received.message
        assert email["Subject"] == "가입 신청을 받았습니다"
        assert email["To"].addresses[0].display_name == "지민"
        assert email.get_content() == "안녕하세요, 지민 님.\n신청해 주셔서 감사합니다.\n"
        assert email["Content-Language"] == "ko"
        row = _row(message_id)
        assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)
        assert email["Message-ID"] == row.message_id
        assert (row.subject, row.body, row.to_address, row.to_name) == (None, None, None, None)


def test_a_deferral_is_retried_and_delivered_once(make_app, smtp_server) -> None:
    smtp_server.recorder.replies.append("451 4.3.0 Try again later")
    with mail_app(make_app, smtp_server.url) as app:
        message_id = queue().id
        db.session.commit()

        first = _send(app)
        row = _row(message_id)
        assert first.exit_code == 1
        assert "sent 0, waiting to retry 1, failed for good 0" in first.output
        assert (row.status, row.attempts, row.last_error) == (
            "waiting",
            1,
            "451 4.3.0 refused by the mail server",
        )
        assert row.next_attempt_at > datetime.now(UTC)  # the worker waits; `mail send` does not

        second = _send(app)

        assert second.exit_code == 0, second.output
        assert len(smtp_server.recorder.received) == 1
        assert _row(message_id).status == "sent"
        assert _send(app).output.startswith("sent 0, waiting to retry 0, failed for good 0")


def test_a_refusal_fails_for_good_without_storing_the_servers_words(make_app, smtp_server) -> None:
    smtp_server.recorder.replies.append("550 5.1.1 <jimin@example.org>: no such user")
    with mail_app(make_app, smtp_server.url) as app:
        message_id = queue().id
        db.session.commit()

        result = _send(app)

        assert result.exit_code == 1
        assert "failed for good 1" in result.output
        assert "Traceback" not in result.output
        row = _row(message_id)
        assert (row.status, row.last_error) == ("failed", "550 5.1.1 refused by the mail server")
        assert row.body is not None  # kept, so a coordinator can send it again
        again = _send(app)
        assert again.exit_code == 0 and smtp_server.recorder.received == []


def test_an_outage_loses_nothing_and_the_next_pass_delivers(make_app) -> None:
    port = free_port()
    with mail_app(make_app, f"smtp://127.0.0.1:{port}") as app:
        ids = [queue(address=f"p{n}@example.org").id for n in range(3)]
        db.session.commit()

        down = _send(app)

        assert down.exit_code == 1
        assert "Traceback" not in down.output
        assert "3 not delivered: connection refused" in down.output
        assert "waiting to retry 3" in down.output
        assert {_row(i).status for i in ids} == {"waiting"}

        server = SmtpServer(port, Recorder())
        server.start()
        try:
            up = _send(app)
        finally:
            server.stop()
        assert up.exit_code == 0, up.output
        assert sorted(r.rcpt_tos[0] for r in server.recorder.received) == [
            "p0@example.org",
            "p1@example.org",
            "p2@example.org",
        ]


def test_limit_tries_only_that_many(make_app, smtp_server) -> None:
    with mail_app(make_app, smtp_server.url) as app:
        for n in range(3):
            queue(address=f"p{n}@example.org")
        db.session.commit()

        result = _send(app, "--limit", "2")

        assert result.exit_code == 0
        assert len(smtp_server.recorder.received) == 2
        statuses = db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))
        assert list(statuses) == ["sent", "sent", "waiting"]


def test_the_default_writes_eml_files_into_the_instance_outbox(make_app) -> None:
    with mail_app(make_app, "") as app:
        row_id = queue().id
        db.session.commit()

        result = _send(app)

        assert result.exit_code == 0, result.output
        [path] = list((Path(app.instance_path) / "outbox").glob("*.eml"))
        assert path.stat().st_mode & 0o777 == 0o600
        email = message_from_bytes(path.read_bytes(), policy=default)
        assert email["Subject"] == "가입 신청을 받았습니다"
        assert _row(row_id).status == "sent"


def test_the_worker_pass_waits_out_the_backoff(make_app, smtp_server) -> None:
    smtp_server.recorder.replies.append("421 4.7.0 Busy")
    with mail_app(make_app, smtp_server.url):
        queue()
        db.session.commit()

        assert deliver_pass(honour_backoff=True).retrying == 1
        assert deliver_pass(honour_backoff=True).tried == 0  # not due for another minute
        assert deliver_pass().sent == 1  # `mail send` does not wait
