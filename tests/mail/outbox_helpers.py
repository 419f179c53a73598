"""Building an app that mails to a given URL, and queueing messages the way services do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from matcher.extensions import db
from matcher.models import OutboxMessage
from matcher.services.mail.outbox import Letter, queue_message


@contextmanager
def mail_app(make_app: Callable[..., Flask], url: str, **overrides: Any) -> Iterator[Flask]:
    app = make_app(MAIL_URL=url, MAIL_RETRY_BASE_SECONDS=60, **overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def queue(
    *,
    name: str = "지민",
    address: str = "jimin@example.org",
    subject: str = "가입 신청을 받았습니다",
    body: str = "안녕하세요, 지민 님.\n신청해 주셔서 감사합니다.\n",
    language: str = "ko",
) -> OutboxMessage:
    message = queue_message(
        kind="signup",
        language=language,
        to_name=name,
        to_address=address,
        letter=Letter(subject, body),
        applicant_id=None,
    )
    assert message is not None
    return message
