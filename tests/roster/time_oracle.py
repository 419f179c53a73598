"""An independent, slow check of the contract's time rule, to judge the engine's pairs from outside.

Deliberately written from the contract text, not from the engine's code: each person's weekly
windows are laid on the real dates with zoneinfo (fold=0) and turned into UTC minutes, and a
pair is feasible if every Seoul Monday-to-Monday week holding a semester day has a start
minute from which both are free for the whole session.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from matcher.domain.windows import parse_windows

SEOUL = ZoneInfo("Asia/Seoul")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _minute(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def free_minutes(timezone: str, availability: str, first: date, last: date) -> set[int]:
    """UTC minutes (since the epoch) in which the person is free between two local dates."""
    zone = ZoneInfo(timezone)
    free: set[int] = set()
    day = first
    while day <= last:
        monday = day - timedelta(days=day.weekday())
        for window in parse_windows(availability):
            if window.start // 1440 != day.weekday():
                continue
            wall_start = datetime.combine(monday, datetime.min.time()) + timedelta(
                minutes=window.start
            )
            wall_end = wall_start + timedelta(minutes=window.minutes)
            start = _minute(wall_start.replace(tzinfo=zone))
            end = _minute(wall_end.replace(tzinfo=zone))
            free.update(range(start, end))
        day += timedelta(days=1)
    return free


def feasible(student, tutor, first_day: date, last_day: date, session_minutes: int) -> bool:
    margin = timedelta(days=9)
    frees = [
        free_minutes(p.timezone, p.availability, first_day - margin, last_day + margin)
        for p in (student, tutor)
    ]
    both = frees[0] & frees[1]
    monday = first_day - timedelta(days=first_day.weekday())
    while monday <= last_day:
        week_start = _minute(datetime.combine(monday, datetime.min.time(), tzinfo=SEOUL))
        week_end = week_start + 7 * 1440
        if not any(
            all(m in both for m in range(t, t + session_minutes))
            for t in range(week_start, week_end)
            if t in both
        ):
            return False
        monday += timedelta(days=7)
    return True
