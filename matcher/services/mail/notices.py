"""The messages that events send to applicants; each queues in the caller's transaction.

Every function here is called by the service that performs the event (a sign-up, a re-issued
link, a new semester…), after its writes and before its caller commits, so the message and the
event are one transaction.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select

from matcher.extensions import db
from matcher.mail.compose import is_valid_address
from matcher.models import (
    Applicant,
    ApplicantStatus,
    MailKind,
    Match,
    MatchStatus,
    OutboxMessage,
    Semester,
)
from matcher.services.applicants.links import issue_extra_link
from matcher.services.audit import record_event
from matcher.services.mail.letters import letter_for, private_link
from matcher.services.mail.outbox import queue_for_applicant, queued


def send_private_link(
    applicant: Applicant, token: str, kind: MailKind, *, to_address: str | None = None
) -> OutboxMessage | None:
    """A message carrying this private link: sign-up received, link asked for, re-issued, new semester."""
    return queue_for_applicant(
        applicant,
        kind.value,
        letter_for(applicant, kind.value, link=private_link(token)),
        to_address=to_address,
    )


def send_fresh_link(
    applicant: Applicant, kind: MailKind, **context: object
) -> OutboxMessage | None:
    """A message with a new link of its own (earlier links keep working), once per event.

    The dedupe key makes a repeated event (a command run twice) queue nothing new.
    """
    key = f"{kind.value}:{applicant.public_id}:{context.pop('event', '')}"
    if queued(key):
        return None
    token = issue_extra_link(applicant)
    return queue_for_applicant(
        applicant,
        kind.value,
        letter_for(applicant, kind.value, link=private_link(token), **context),
        dedupe_key=key,
    )


def remind_semester(semester: Semester, kind: MailKind, *, actor: str) -> int:
    """The semester started (to everyone in a confirmed pair) or ended (to every approved person)."""
    if kind == MailKind.SEMESTER_ACTIVE:
        people = db.session.scalars(
            select(Applicant)
            .join(
                Match,
                or_(Match.student_id == Applicant.id, Match.tutor_id == Applicant.id),
            )
            .where(
                Match.semester_id == semester.id,
                Match.status == MatchStatus.CONFIRMED.value,
            )
            .distinct()
            .order_by(Applicant.id)
        ).all()
    else:
        people = db.session.scalars(
            select(Applicant)
            .where(
                Applicant.semester_id == semester.id,
                Applicant.status == ApplicantStatus.APPROVED.value,
            )
            .order_by(Applicant.id)
        ).all()
    months = current_app.config["RETENTION_MONTHS"]
    sent = 0
    for person in people:
        if not is_valid_address(person.email):
            continue  # an address no mail can reach (an erased person): nothing to remind
        if send_fresh_link(person, kind, event=semester.id, retention_months=months):
            sent += 1
    record_event(
        "mail.queued",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={"kind": kind.value, "messages": sent},
    )
    return sent


def tell_pair_ended(match: Match, *, reason: str | None, skip: Applicant | None = None) -> int:
    """Both people learn that their pair ended; the reason only when the coordinator chose so.

    The reason is a coordinator's note and may say something about the other person, so it is
    withheld unless explicitly included (``reason`` is None otherwise). A pair that was never
    confirmed was never announced to them, so its end is not either. ``skip``: the person whose
    own action ended it (they were told on the page).
    """
    if match.confirmed_at is None:
        return 0
    count = 0
    for person, partner in ((match.student, match.tutor), (match.tutor, match.student)):
        if person is skip or person.status == ApplicantStatus.WITHDRAWN.value:
            continue
        if not is_valid_address(person.email):
            continue
        message = send_fresh_link(
            person,
            MailKind.PAIR_ENDED,
            event=match.public_id,
            partner=partner.display_name,
            reason=reason,
            rematch=True,
        )
        count += message is not None
    return count
