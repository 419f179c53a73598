"""Introductions: once a pair is confirmed, each person learns who their partner is.

One message per person per confirmed pair, keyed ``introduction:<pair>:<person>`` so running
``match introduce`` (or pressing the button) again queues nothing new. The partner's email is
in the message only if the partner agreed (``share_contact``); otherwise it says a coordinator
will put them in touch. Times are the reader's own local windows, with the dates where a clock
change moves them (as the matching engine stored them on the pair).

The weekly session (issue "weekly session") comes from :mod:`matcher.services.sessions.letters`:
its lines in the reader's time and language, and the reader's calendar file, attached.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matcher.extensions import db
from matcher.models import Applicant, MailKind, Match, MatchStatus, Semester
from matcher.services.applicants.links import issue_extra_link
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.mail.letters import letter, private_link
from matcher.services.mail.outbox import Letter, queue_for_applicant, queued
from matcher.services.sessions.letters import calendar_text, session_lines
from matcher.weekly_text import weekly_time

PREVIEW_LINK = "(a new private link for this person)"


@dataclass(frozen=True)
class SessionDetails:
    lines: tuple[str, ...] = ()
    calendar: str | None = None  # an iCalendar file


@dataclass(frozen=True)
class Introduction:
    """One message to be queued: for the preview page and for queueing alike."""

    match: Match
    reader: Applicant
    partner: Applicant
    key: str


def session_details(match: Match, reader: Applicant) -> SessionDetails:
    """The weekly session (agreed, else proposed) and the reader's calendar file, if any."""
    return SessionDetails(session_lines(match, reader), calendar_text(reader))


def pending_introductions(semester: Semester) -> list[Introduction]:
    """Every (confirmed pair, person) of this semester not introduced yet, in pair order."""
    matches = db.session.scalars(
        select(Match)
        .where(Match.semester_id == semester.id, Match.status == MatchStatus.CONFIRMED.value)
        .options(joinedload(Match.student), joinedload(Match.tutor))
        .order_by(Match.id)
    ).all()
    pending = []
    for match in matches:
        for reader, partner in ((match.student, match.tutor), (match.tutor, match.student)):
            key = f"{MailKind.INTRODUCTION.value}:{match.public_id}:{reader.public_id}"
            if not queued(key):
                pending.append(Introduction(match, reader, partner, key))
    return pending


def introduction_letter(item: Introduction, link: str) -> Letter:
    reader, partner, match = item.reader, item.partner, item.match
    windows = (
        match.windows_student_local if reader.id == match.student_id else match.windows_tutor_local
    )
    session = session_details(match, reader)
    words = letter(
        MailKind.INTRODUCTION.value,
        reader.language,
        name=reader.display_name,
        semester=reader.semester.name,
        role=reader.role,
        partner=partner.display_name,
        partner_email=partner.email if partner.share_contact else None,
        timezone=reader.timezone,
        windows=weekly_time(windows, reader.language),
        session_lines=session.lines,
        link=link,
    )
    return Letter(words.subject, words.body, calendar=session.calendar)


def preview_introductions(semester: Semester) -> list[tuple[Introduction, Letter]]:
    """What pressing the button would send, with a placeholder instead of each new link."""
    return [
        (item, introduction_letter(item, PREVIEW_LINK)) for item in pending_introductions(semester)
    ]


def introduce(semester: Semester, *, actor: str) -> int:
    """Queue every pending introduction of this semester (flushes); returns how many."""
    if semester.is_closed:
        raise DomainError(
            f"Semester {semester.name!r} is closed; its pairs are not introduced now."
        )
    count = 0
    for item in pending_introductions(semester):
        words = introduction_letter(item, private_link(issue_extra_link(item.reader)))
        if queue_for_applicant(
            item.reader, MailKind.INTRODUCTION.value, words, dedupe_key=item.key
        ):
            count += 1
    record_event(
        "mail.queued",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={"kind": MailKind.INTRODUCTION.value, "messages": count},
    )
    return count
