"""The weekly session as an email gives it: lines in the reader's own time and language (with
the dates where it moves and why) and the reader's calendar file to attach."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from matcher.matching.session_text import moves, session_text
from matcher.models import Applicant, Match
from matcher.services.sessions.agreement import state_of
from matcher.services.sessions.texts import day_name, readable


def session_lines(match: Match, reader: Applicant) -> tuple[str, ...]:
    """The pair's session (agreed, else proposed) for ``reader``; empty when there is none."""
    session = state_of(match).session
    if session is None:
        return ()
    partner = match.tutor if reader.id == match.student_id else match.student
    zones = (reader.timezone, partner.timezone)
    with force_locale(reader.language):
        lines = readable(session_text(session, reader.timezone, *zones))
        for move in moves(session, reader.timezone):
            lines.append(
                gettext(
                    "From %(date)s it starts on %(day)s at %(time)s (before: %(before)s),"
                    " because clocks change.",
                    date=move.on.isoformat(),
                    day=day_name(move.weekday),
                    time=move.starts,
                    before=move.before,
                )
            )
    return tuple(lines)


def calendar_text(reader: Applicant) -> str | None:
    """The reader's calendar file (the one their private page offers), or None without one."""
    from matcher.services.sessions.calendars import person_calendar  # needs icalendar

    found = person_calendar(reader)
    return found.content.decode("utf-8") if found is not None and found.pairs else None
