"""A session read in someone's zone: the contract's text and the dates on which it moves.

The text is the windows text of outputs.md (``Thu 20:00-21:00; from 2027-03-14: Thu
21:00-22:00``), built by :func:`periods_in` from the session's own occurrences, so it reads
right on every date exactly as the shared windows do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from matcher.domain.windows import MINUTES_PER_DAY
from matcher.matching.periods import Stretches, format_periods, periods_in
from matcher.matching.sessions import Session
from matcher.matching.slots import zone_clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MARGIN = 9 * MINUTES_PER_DAY


@dataclass(frozen=True)
class Move:
    """From ``on`` (a local date in the reader's zone) the session starts at ``starts`` local
    wall-clock time instead of ``before``; ``weekday`` 0 is Monday."""

    on: date
    weekday: int
    starts: str
    before_weekday: int
    before: str


def _stretches(session: Session) -> Stretches:
    span = (session.starts[0] - _MARGIN, session.starts[-1] + session.minutes + _MARGIN)
    return Stretches(
        tuple((s, s + session.minutes) for s in session.starts),
        session.starts[0],
        session.starts[-1] + session.minutes,
        span,
    )


def session_text(session: Session | None, zone: str, *pair_zones: str) -> str:
    """The session in ``zone``'s wall-clock time, with a date wherever it moves ("" if none).

    ``pair_zones`` are the two people's zones: a move is dated by the day of the clock change
    behind it when that reads right (``from 2027-03-14``, the day New York changes, even in
    Seoul's text), as the shared windows are.
    """
    if session is None or not session.starts:
        return ""
    stretches = _stretches(session)
    changes = tuple(
        sorted(
            {
                int(t)
                for name in {zone, *pair_zones}
                for t in zone_clock(name, *stretches.span).transitions
            }
        )
    )
    stretches = Stretches(stretches.runs, stretches.first, stretches.end, stretches.span, changes)
    return format_periods(periods_in(stretches, zone))


def local_starts(session: Session, zone: str) -> list[datetime]:
    """Each occurrence's start as an aware datetime in ``zone`` (what a calendar shows)."""
    tz = ZoneInfo(zone)
    return [(_EPOCH + timedelta(minutes=m)).astimezone(tz) for m in session.starts]


def moves(session: Session | None, zone: str) -> list[Move]:
    """The local dates on which the session's weekday or time differs from the week before."""
    if session is None:
        return []
    out: list[Move] = []
    previous: datetime | None = None
    for start in local_starts(session, zone):
        if previous is not None and (
            previous.weekday() != start.weekday() or previous.time() != start.time()
        ):
            out.append(
                Move(
                    start.date(),
                    start.weekday(),
                    start.strftime("%H:%M"),
                    previous.weekday(),
                    previous.strftime("%H:%M"),
                )
            )
        previous = start
    return out
