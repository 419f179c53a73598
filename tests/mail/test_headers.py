# ruff: noqa: F811  (the smtp_server fixture is imported from .smtp_server and named as a parameter)
"""Names and addresses that try to add headers or recipients, and what the parser reads back."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from matcher.extensions import db
from matcher.mail.compose import compose, is_valid_address, mailbox, parse_sender
from matcher.services.errors import DomainError

from .outbox_helpers import mail_app, queue
from .smtp_server import smtp_server  # noqa: F401

HOSTILE_NAMES = [
    "Eve\r\nBcc: spy@evil.example",
    "Eve\nX-Injected: yes",
    '"a@evil.example", b@evil.example',
    "Mallory <mallory@evil.example>",
    "=?utf-8?q?Bcc=3A_spy=40evil=2Eexample?=",
    "김\u2028Bcc: spy@evil.example",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_display_name_stays_one_name_of_one_recipient(name: str) -> None:
    email = compose(
        sender=parse_sender("LELP Match <lelp@example.org>"),
        recipient=mailbox(name, "jimin@example.org"),
        subject=f"Hello {name}",
        text="body",
        message_id="<x@example.org>",
        language="en",
        sent_at=datetime(2027, 3, 2, tzinfo=UTC),
    )
    parsed = message_from_bytes(email.as_bytes(), policy=default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None and parsed["Cc"] is None
    [only] = parsed["To"].addresses
    assert only.addr_spec == "jimin@example.org"
    assert len(parsed["Subject"].splitlines()) == 1


@pytest.mark.parametrize(
    "address",
    [
        "a@example.org\r\nBcc: spy@evil.example",
        "a@example.org, b@example.org",
        "Eve <a@example.org>",
        "a@example",
        '"quoted"@example.org',
        "지민@example.org",
        "a b@example.org",
        "",
    ],
)
def test_an_address_that_is_not_one_plain_mailbox_is_refused(address: str) -> None:
    assert not is_valid_address(address)


@pytest.mark.parametrize("address", ["jimin@example.org", "tutor+lelp@mail.example.co.uk"])
def test_reserved_and_plus_addresses_are_valid_with_no_lookup(address: str) -> None:
    assert is_valid_address(address)


@pytest.mark.db
def test_queueing_refuses_a_hostile_address(make_app) -> None:
    with mail_app(make_app, "") as _app, pytest.raises(DomainError):
        queue(address="a@example.org\r\nBcc: spy@evil.example")


@pytest.mark.db
def test_over_smtp_a_hostile_name_reaches_only_its_recipient(make_app, smtp_server) -> None:
    with mail_app(make_app, smtp_server.url) as app:
        for name in HOSTILE_NAMES:
            queue(name=name, subject=f"Hi {name}")
        db.session.commit()

        result = app.test_cli_runner().invoke(args=["mail", "send"])

        assert result.exit_code == 0, result.output
        received = smtp_server.recorder.received
        assert len(received) == len(HOSTILE_NAMES)
        for item in received:
            assert item.rcpt_tos == ["jimin@example.org"]
            assert item.message["Bcc"] is None
            assert [a.addr_spec for a in item.message["To"].addresses] == ["jimin@example.org"]


@pytest.mark.db
def test_an_english_message_keeps_its_language_header(make_app, smtp_server) -> None:
    with mail_app(make_app, smtp_server.url) as app:
        queue(name="Alex O'Brien", subject="We received your sign-up", body="Hi", language="en")
        db.session.commit()
        app.test_cli_runner().invoke(args=["mail", "send"])
        email = smtp_server.recorder.received[0].message
        assert (email["Content-Language"], email["Subject"]) == ("en", "We received your sign-up")
        assert email["To"].addresses[0].display_name == "Alex O'Brien"
