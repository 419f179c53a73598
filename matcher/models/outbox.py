"""The outbox: every email, written in the same transaction as the event that causes it.

A row is the promise to tell one person one thing. Its subject, body and address hold names and
private links, so they are encrypted like applicants' fields and blanked once the message has
gone; the row itself stays (kind, recipient id, times, attempts) as the record that it went.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.crypto.fields import EncryptedText
from matcher.models.base import Base, UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    WAITING = "waiting"
    SENT = "sent"
    FAILED = "failed"


class MailKind(StrEnum):
    SIGNUP = "signup"
    LINK = "link"  # "email me my link"
    LINK_REISSUED = "link_reissued"
    NEW_SEMESTER = "new_semester"
    INTRODUCTION = "introduction"
    PAIR_ENDED = "pair_ended"
    SEMESTER_ACTIVE = "semester_active"
    SEMESTER_CLOSED = "semester_closed"
    SESSION = "session"  # the weekly session was accepted, changed, agreed or set (issue 15)


def _sql_list(values: type[StrEnum]) -> str:
    return ", ".join(f"'{value.value}'" for value in values)


def new_message_id(domain: str) -> str:
    """Random and stable: a resend after a crash carries the same id, so clients show it once."""
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({_sql_list(OutboxStatus)})", name="status_known"),
        CheckConstraint(f"kind IN ({_sql_list(MailKind)})", name="kind_known"),
        CheckConstraint("language IN ('ko', 'en')", name="language_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL: purging a person keeps the anonymous fact that a message existed.
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicants.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    language: Mapped[str] = mapped_column(String(2))
    # One message per event and person (e.g. "introduction:P-1A2B:S-XYZ"): queueing twice is a no-op.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    to_name: Mapped[str | None] = mapped_column(EncryptedText("mail_to_name"))
    to_address: Mapped[str | None] = mapped_column(EncryptedText("mail_to_address"))
    subject: Mapped[str | None] = mapped_column(EncryptedText("mail_subject"))
    body: Mapped[str | None] = mapped_column(EncryptedText("mail_body"))
    # An iCalendar file to attach (the weekly session); NULL when there is none.
    calendar: Mapped[str | None] = mapped_column(EncryptedText("mail_calendar"))
    status: Mapped[str] = mapped_column(String(8), default=OutboxStatus.WAITING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that took the message owns it until then; after a crash it becomes free again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(120))  # a code and category only
    message_id: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def forget_content(self) -> None:
        """Once sent, keep the fact and not the words: no name, address, link or body stays."""
        self.to_name = self.to_address = self.subject = self.body = self.calendar = None

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
