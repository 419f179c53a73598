""" "Email me my link": a fresh private link to an address, only if it belongs to someone current.

The caller answers the same whatever happens here, so nobody learns from the page who applied.
A person in a current semester (taking sign-ups, matching or active) gets a new link at the
address that was typed (which is theirs: the look-up goes by that address), in their language;
earlier links keep working. Each recipient gets at most ``LINK_REQUESTS_PER_RECIPIENT`` such
emails per hour, so the form cannot be used to flood someone's inbox.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from matcher.crypto.lookup import email_hash, normalise_email
from matcher.extensions import db
from matcher.mail.compose import is_valid_address
from matcher.models import Applicant, ApplicantStatus, MailKind, OutboxMessage, Semester
from matcher.models.base import utcnow
from matcher.models.semester import SemesterStatus
from matcher.services.applicants.links import issue_extra_link
from matcher.services.audit import record_event
from matcher.services.mail.letters import letter_for, private_link
from matcher.services.mail.outbox import queue_for_applicant

CURRENT = (SemesterStatus.INTAKE.value, SemesterStatus.MATCHING.value, SemesterStatus.ACTIVE.value)


def request_link(email: str) -> int:
    """Queue a fresh link for each current application with this email; returns how many.

    The return value is for tests and the audit trail only: never show it to the person.
    """
    address = normalise_email(email)
    if not is_valid_address(address):
        return 0
    people = db.session.scalars(
        select(Applicant)
        .join(Semester, Semester.id == Applicant.semester_id)
        .where(
            Applicant.email_hash == email_hash(address),
            Semester.status.in_(CURRENT),
            Applicant.status != ApplicantStatus.WITHDRAWN.value,
        )
        .order_by(Applicant.id)
    ).all()
    return sum(send_fresh_link(person, address) for person in people)


def send_fresh_link(person: Applicant, address: str | None = None) -> bool:
    """Queue a new private link for ``person`` (to ``address``, else their own email), unless
    they already got ``LINK_REQUESTS_PER_RECIPIENT`` of them this hour; True if queued."""
    if _recent_requests(person) >= current_app.config["LINK_REQUESTS_PER_RECIPIENT"]:
        return False
    token = issue_extra_link(person)
    letter = letter_for(person, MailKind.LINK.value, link=private_link(token))
    queue_for_applicant(person, MailKind.LINK.value, letter, to_address=address or person.email)
    record_event("applicant.link_requested", actor="anonymous", target=person.public_id)
    return True


def _recent_requests(person: Applicant) -> int:
    since = utcnow() - timedelta(hours=1)
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.applicant_id == person.id,
                OutboxMessage.kind == MailKind.LINK.value,
                OutboxMessage.created_at >= since,
            )
        )
        or 0
    )
