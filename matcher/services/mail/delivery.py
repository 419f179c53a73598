"""One delivery pass over the outbox: claim a message, send it with no lock held, record how it went.

Claiming is a short transaction of its own: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED``
lets two workers walk the outbox side by side without ever taking the same row; on SQLite every
transaction starts with ``BEGIN IMMEDIATE`` (matcher.database), so the second worker simply
waits for the first's claim. The claim writes ``claimed_until`` and counts the attempt, then
commits, and only then is the message sent: no lock is held while a mail server thinks, so
sign-ups never wait on it. A worker killed between sending and recording leaves the claim to
expire; the message is then sent again with the same Message-ID (a duplicate at most, never a
loss), and the attempt it spent still counts, so a message that crashes workers cannot loop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from matcher.extensions import db
from matcher.mail.compose import AddressError, Attachment, compose, mailbox
from matcher.mail.transport import DeliveryError, Transport, open_transport
from matcher.models import OutboxMessage, OutboxStatus
from matcher.models.base import utcnow
from matcher.services.mail.outbox import mail_settings, sender

CALENDAR_FILE = "lelp-match-session.ics"


@dataclass
class PassReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed

    @property
    def undelivered(self) -> int:
        return self.retrying + self.failed


@dataclass(frozen=True)
class _Claimed:
    """What sending needs, copied out so that no database access happens during the send."""

    id: int
    message_id: str
    language: str
    to_name: str
    to_address: str
    subject: str
    body: str
    calendar: str | None
    attempts: int


def deliver_pass(
    *,
    limit: int | None = None,
    honour_backoff: bool = False,
    transport: Transport | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> PassReport:
    """Try each waiting message once (those due only, with `honour_backoff`), oldest first."""
    report = PassReport()
    db.session.commit()  # start from a clean slate: claims must be transactions of their own
    transport = transport or open_transport(mail_settings())
    after_id = 0
    try:
        while (limit is None or report.tried < limit) and not should_stop():
            claimed = _claim_next(after_id, honour_backoff)
            if claimed is None:
                break
            after_id = claimed.id
            _send_and_record(claimed, transport, report)
    finally:
        transport.close()
    return report


def _claim_next(after_id: int, honour_backoff: bool) -> _Claimed | None:
    now = utcnow()
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.WAITING.value,
            OutboxMessage.id > after_id,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if honour_backoff:
        query = query.where(OutboxMessage.next_attempt_at <= now)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = db.session.scalars(query).first()
    if message is None:
        db.session.commit()
        return None
    message.claimed_until = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    message.attempts += 1
    claimed = _Claimed(
        id=message.id,
        message_id=message.message_id,
        language=message.language,
        to_name=message.to_name or "",
        to_address=message.to_address or "",
        subject=message.subject or "",
        body=message.body or "",
        calendar=message.calendar,
        attempts=message.attempts,
    )
    db.session.commit()
    return claimed


def _send_and_record(claimed: _Claimed, transport: Transport, report: PassReport) -> None:
    try:
        from_address = sender()
        email = compose(
            sender=from_address,
            recipient=mailbox(claimed.to_name, claimed.to_address),
            subject=claimed.subject,
            text=claimed.body,
            message_id=claimed.message_id,
            language=claimed.language,
            sent_at=utcnow(),
            attachments=_attachments(claimed),
        )
        transport.send(email, sender=from_address.addr_spec, recipient=claimed.to_address)
    except AddressError:
        _record(claimed, report, DeliveryError("invalid address", permanent=True))
    except DeliveryError as error:
        _record(claimed, report, error)
    else:
        _record(claimed, report, None)


def _attachments(claimed: _Claimed) -> tuple[Attachment, ...]:
    if claimed.calendar is None:
        return ()
    data = claimed.calendar.encode("utf-8")
    return (Attachment(CALENDAR_FILE, "text", "calendar", data),)


def _record(claimed: _Claimed, report: PassReport, error: DeliveryError | None) -> None:
    config = current_app.config
    message = db.session.get(OutboxMessage, claimed.id)
    if message is None:  # removed meanwhile (a purge): nothing left to record
        db.session.commit()
        return
    now = utcnow()
    message.claimed_until = None
    if error is None:
        message.status = OutboxStatus.SENT.value
        message.sent_at = now
        message.last_error = None
        message.forget_content()
        report.sent += 1
    else:
        message.last_error = error.reason[:120]
        report.reasons[error.reason] += 1
        if error.permanent or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = OutboxStatus.FAILED.value
            report.failed += 1
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            report.retrying += 1
    db.session.commit()


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed try: doubling from the base, capped."""
    config = current_app.config
    seconds = config["MAIL_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def next_due() -> datetime | None:
    """When the worker should next look (the earliest waiting message), or None if none waits.

    Ends its transaction at once: on SQLite every transaction holds the write lock (BEGIN
    IMMEDIATE), and a worker sleeping inside one would block every sign-up meanwhile.
    """
    try:
        return db.session.scalar(
            select(OutboxMessage.next_attempt_at)
            .where(OutboxMessage.status == OutboxStatus.WAITING.value)
            .order_by(OutboxMessage.next_attempt_at)
            .limit(1)
        )
    finally:
        db.session.rollback()
