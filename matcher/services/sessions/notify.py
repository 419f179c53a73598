"""Telling the other person that the weekly session was accepted, changed, agreed or set.

One email to one person (the outbox, issue 14), in their language, with the session in their own
time, a fresh private link and their calendar file attached, written in the same transaction as
the change, so a change rolled back takes its email with it.
"""

from __future__ import annotations

from matcher.models import Applicant, MailKind, Match
from matcher.services.applicants.links import issue_extra_link
from matcher.services.mail.letters import letter_for, private_link
from matcher.services.mail.outbox import Letter, queue_for_applicant


def tell_partner(match: Match, person: Applicant, what: str) -> None:
    """Queue the message to ``person`` (``what``: accepted, changed, agreed or set)."""
    # letters reads the session through agreement, which calls this module: import it here.
    from matcher.services.sessions.letters import calendar_text, session_lines

    partner = match.tutor if person.id == match.student_id else match.student
    words = letter_for(
        person,
        MailKind.SESSION.value,
        partner=partner.display_name,
        what=what,
        timezone=person.timezone,
        session_lines=session_lines(match, person),
        link=private_link(issue_extra_link(person)),
    )
    queue_for_applicant(
        person,
        MailKind.SESSION.value,
        Letter(words.subject, words.body, calendar=calendar_text(person)),
    )
