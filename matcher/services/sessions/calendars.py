"""Calendar files: one per person, each of their pairs' weekly sessions in their own zone.

A confirmed pair's sessions are its session as planned (the agreed one once both accepted it);
a pair that was confirmed and then ended is written cancelled under the same UID, so importing
the new file removes its sessions. The summary names the partner by display name only: the
partner's email is never written (people have not said they want it shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import force_locale, gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from matcher.exports.ics import SessionEvents, calendar_bytes
from matcher.extensions import db
from matcher.matching.session_text import session_text
from matcher.matching.sessions import Session, SessionPlan
from matcher.models import Applicant, Match, MatchStatus, PairSession, Semester
from matcher.services.sessions.agreement import rows_for
from matcher.services.sessions.plans import plan_matches, semester_plans
from matcher.services.sessions.texts import clock_change_lines, readable

UID_DOMAIN = "lelp-match"


@dataclass(frozen=True)
class PersonCalendar:
    """One person's file: their public id names it."""

    public_id: str
    content: bytes
    pairs: int


def pair_uid(match: Match) -> str:
    """Stable for the pair whatever changes: its public id never changes."""
    return f"{match.public_id}@{UID_DOMAIN}"


def _description(session: Session, me: Applicant, partner: Applicant, agreed: bool) -> str:
    text = session_text(session, me.timezone, me.timezone, partner.timezone)
    lines = [
        gettext("Your weekly LELP English session with %(name)s.", name=partner.display_name),
        gettext("You have both agreed to this time.")
        if agreed
        else gettext("Proposed time: not yet agreed by both of you (see your private page)."),
        gettext("Your time (%(zone)s): %(time)s", zone=me.timezone, time="; ".join(readable(text))),
        *clock_change_lines(session, me.timezone),
    ]
    return "\n".join(lines)


def _events(
    match: Match, plan: SessionPlan, me: Applicant, row: PairSession | None
) -> SessionEvents | None:
    session = plan.session
    if session is None or not session.starts:
        return None
    partner = match.tutor if me.id == match.student_id else match.student
    ended = match.status == MatchStatus.ENDED
    with force_locale(me.language):
        summary = gettext("LELP English with %(name)s", name=partner.display_name)
        agreed = row is not None and row.agreed and row.start_minutes == session.starts
        description = _description(session, me, partner, agreed)
    return SessionEvents(
        uid=pair_uid(match),
        # Rises with every new schedule, and once more when the pair ends (cancelled).
        sequence=(row.revision if row is not None else 1) + (1 if ended else 0),
        summary=summary,
        description=description,
        zone=me.timezone,
        starts=tuple(session.instants()),
        minutes=session.minutes,
        cancelled=ended,
    )


def _calendar_matches(semester: Semester) -> list[Match]:
    """Confirmed pairs, and pairs that were confirmed and then ended (to cancel their events)."""
    return list(
        db.session.scalars(
            select(Match)
            .options(joinedload(Match.student), joinedload(Match.tutor))
            .where(
                Match.semester_id == semester.id,
                or_(
                    Match.status == MatchStatus.CONFIRMED,
                    (Match.status == MatchStatus.ENDED) & Match.confirmed_at.is_not(None),
                ),
            )
            .order_by(Match.id)
        ).unique()
    )


def _files(
    semester: Semester, matches: list[Match], only: Applicant | None
) -> list[PersonCalendar]:
    rows = rows_for(m.id for m in matches)
    plans = semester_plans(semester, lambda m: _stored(rows, m))
    ended = [m for m in matches if m.id not in plans]
    if ended:
        plans.update(plan_matches(semester, ended, lambda m: _stored(rows, m), False))
    by_person: dict[int, tuple[Applicant, list[Match]]] = {}
    for m in matches:
        for person in (m.student, m.tutor):
            if only is None or person.id == only.id:
                by_person.setdefault(person.id, (person, []))[1].append(m)
    stamp = datetime.now(UTC).replace(microsecond=0)
    out = []
    for person, mine in sorted(by_person.values(), key=lambda item: item[0].public_id):
        events = [
            e for m in mine if (e := _events(m, plans[m.id], person, rows.get(m.id))) is not None
        ]
        out.append(PersonCalendar(person.public_id, calendar_bytes(events, stamp), len(events)))
    return out


def _stored(rows: dict[int, PairSession], match: Match) -> tuple[int, ...] | None:
    row = rows.get(match.id)
    return row.start_minutes if row is not None else None


def semester_calendars(semester: Semester) -> list[PersonCalendar]:
    """A file for every person in a confirmed pair, or whose confirmed pair ended."""
    return _files(semester, _calendar_matches(semester), None)


def person_calendar(applicant: Applicant) -> PersonCalendar | None:
    """The file of one person (their private page's download); ``None`` without a pair."""
    semester = applicant.semester
    mine = [m for m in _calendar_matches(semester) if applicant.id in (m.student_id, m.tutor_id)]
    files = _files(semester, mine, applicant) if mine else []
    return files[0] if files else None
