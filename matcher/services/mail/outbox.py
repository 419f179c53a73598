"""Putting a message in the outbox (flush, never commit) and the coordinator's retry.

The caller's transaction decides: a sign-up rolled back takes its email with it, and a sign-up
committed cannot lose its email, because both are rows written together.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import delete, func, select

from matcher.extensions import db
from matcher.mail.compose import is_valid_address, parse_sender
from matcher.mail.settings import MailSettings, parse_mail_url
from matcher.models import Applicant, OutboxMessage, OutboxStatus
from matcher.models.base import utcnow
from matcher.models.outbox import new_message_id
from matcher.services.audit import record_event
from matcher.services.errors import DomainError, NotFound


@dataclass(frozen=True)
class Letter:
    """The words of one message, already in the reader's language."""

    subject: str
    body: str
    calendar: str | None = None  # an iCalendar file to attach


def mail_settings() -> MailSettings:
    config = current_app.config
    return parse_mail_url(
        config.get("MAIL_URL"), current_app.instance_path, config["MAIL_TIMEOUT_SECONDS"]
    )


def sender() -> Address:
    return parse_sender(current_app.config["MAIL_FROM"])


def queue_message(
    *,
    kind: str,
    language: str,
    to_name: str,
    to_address: str,
    letter: Letter,
    applicant_id: int | None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Add one message for one person; None if a message with this dedupe key already exists."""
    if not is_valid_address(to_address):
        text = "This email address cannot receive mail."
        # Translated for the person at the form; a command (no request) prints it in English.
        raise DomainError(gettext(text) if has_request_context() else text, field="email")
    if dedupe_key is not None and queued(dedupe_key):
        return None
    message = OutboxMessage(
        kind=kind,
        language=language,
        dedupe_key=dedupe_key,
        to_name=to_name,
        to_address=to_address,
        subject=letter.subject,
        body=letter.body,
        calendar=letter.calendar,
        message_id=new_message_id(sender().domain),
        next_attempt_at=utcnow(),
        applicant_id=applicant_id,
    )
    db.session.add(message)
    db.session.flush()
    return message


def queued(dedupe_key: str) -> bool:
    """Whether a message for this event and person was already queued (sent or not)."""
    found = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    return found is not None


def queue_for_applicant(
    applicant: Applicant,
    kind: str,
    letter: Letter,
    *,
    dedupe_key: str | None = None,
    to_address: str | None = None,
) -> OutboxMessage | None:
    """A message to this applicant (at `to_address` when a request named one), in their language."""
    return queue_message(
        kind=kind,
        language=applicant.language,
        to_name=applicant.display_name,
        to_address=to_address or applicant.email,
        letter=letter,
        applicant_id=applicant.id,
        dedupe_key=dedupe_key,
    )


def retry_message(message_id: int, *, actor: str) -> OutboxMessage:
    """A coordinator sends a failed message again: a fresh set of tries, starting now."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such message.")
    if message.status != OutboxStatus.FAILED or message.body is None:
        raise DomainError("Only a message that failed can be sent again.")
    message.status = OutboxStatus.WAITING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    record_event("mail.retry", actor=actor, target=f"outbox:{message.id}")
    db.session.flush()
    return message


def forget_unsent_mail(applicant_id: int) -> int:
    """Erasing a person: messages not yet sent to them would carry their name, so they go."""
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.applicant_id == applicant_id,
            OutboxMessage.status != OutboxStatus.SENT.value,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_unsent_mail_of_semester(semester_id: int) -> int:
    """Purging a semester: its people's unsent messages go (sent ones hold no words already)."""
    people = select(Applicant.id).where(Applicant.semester_id == semester_id)
    result = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.applicant_id.in_(people),
            OutboxMessage.status != OutboxStatus.SENT.value,
        ),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def outbox_counts() -> dict[str, int]:
    """Messages per status, for the dashboard (every status present, zero when none)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({status: count for status, count in rows})
    return counts


@dataclass(frozen=True)
class MailTrouble:
    """What the overview warns about: messages failed for good, or retrying for a while."""

    failed: int
    retrying: int

    def __bool__(self) -> bool:
        return bool(self.failed or self.retrying)


def mail_trouble() -> MailTrouble:
    counts = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(
            (OutboxMessage.status == OutboxStatus.FAILED.value)
            | ((OutboxMessage.status == OutboxStatus.WAITING.value) & (OutboxMessage.attempts > 0))
        )
        .group_by(OutboxMessage.status)
    ).all()
    by_status = dict(counts)
    return MailTrouble(
        by_status.get(OutboxStatus.FAILED.value, 0), by_status.get(OutboxStatus.WAITING.value, 0)
    )


def list_messages(status: str | None, limit: int = 200) -> list[tuple[OutboxMessage, str | None]]:
    """Newest first, with each recipient's public id (never their name or address)."""
    query = (
        select(OutboxMessage, Applicant.public_id)
        .outerjoin(Applicant, Applicant.id == OutboxMessage.applicant_id)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    return [(message, public_id) for message, public_id in db.session.execute(query).all()]
