"""The weekly session as an email gives it: lines in the reader's own time and language (with
the dates where it moves and why) and the reader's calendar file to attach."""

from __future__ import annotations

from flask_babel import force_locale

from matcher.models import Applicant, Match
from matcher.services.sessions.agreement import state_of
from matcher.services.sessions.texts import clock_change_lines, session_text_lines


def session_lines(match: Match, reader: Applicant) -> tuple[str, ...]:
    """The pair's session (agreed, else proposed) for ``reader``; empty when there is none."""
    session = state_of(match).session
    if session is None:
        return ()
    partner = match.tutor if reader.id == match.student_id else match.student
    with force_locale(reader.language):
        return (
            *session_text_lines(session, reader.timezone, partner.timezone),
            *clock_change_lines(session, reader.timezone),
        )


def calendar_text(reader: Applicant) -> str | None:
    """The reader's calendar file (the one their private page offers), or None without one."""
    from matcher.services.sessions.calendars import person_calendar  # needs icalendar

    found = person_calendar(reader)
    return found.content.decode("utf-8") if found is not None and found.pairs else None
