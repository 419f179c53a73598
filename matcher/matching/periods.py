"""Weekly windows written in any zone, with a date wherever they change (outputs.md).

The text is read date by date, in the reader's zone: on a date D, the windows that start on D
are the ones listed for D's weekday in the last period dated on or before D (the first period
has no date). ``Sun 11:00-12:30; from 2027-03-21: Sun 10:00-12:30`` says 11:00 on every Sunday
before 21 March and 10:00 from 21 March on. A window is a real stretch of time written with the
wall-clock times of its two ends, so one that spans a clock change keeps its real length
(01:30 CET to 04:00 CEST is ``01:30-04:00``, an hour and a half).

The text is built the way it is read, from the instants the engine tests (:func:`free_cells`
on the real calendar): the free stretches are put on the reader's local date where they start,
then the dates of the weeks that count are walked in order and a new period begins on the first
date whose windows differ from what the current period already says for that weekday. That
period is printed with the day of the clock change behind it when the text still reads right
from that day (``from 2027-03-14: Thu 08:00-09:00``, the contract's example), else with that
first date. So no date repeats and the text reads right on every date of the semester, whatever
the zones and whenever their clocks change.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matcher.domain.windows import MINUTES_PER_DAY, WeeklyWindow, format_windows
from matcher.matching.slots import SEOUL, free_cells, make_calendar, seoul_mondays, zone_clock

Periods = list[tuple[date, tuple[WeeklyWindow, ...]]]
Availability = tuple[str, Sequence[WeeklyWindow]]  # (IANA zone, weekly windows in that zone)

_DAY_ZERO = date(1970, 1, 1)  # a Thursday: weekday of day number n is (n + 3) % 7, Monday = 0


@dataclass(frozen=True)
class Stretches:
    """When everyone is free, as real time: maximal runs ``[start, end)`` in UTC minutes.

    ``first`` and ``end`` bound the weeks that count (Seoul Mondays 00:00); ``runs`` reach a
    week beyond both so that the windows of every local date that touches those weeks are whole.
    """

    runs: tuple[tuple[int, int], ...]
    first: int
    end: int
    span: tuple[int, int]  # UTC minutes within which zone clocks are needed
    changes: tuple[int, ...] = ()  # UTC minutes at which any of the zones changes its clocks


def free_stretches(
    mondays: Sequence[date],
    availability: Sequence[Availability],
    session_minutes: int,
    min_minutes: int = 1,
) -> Stretches:
    """The stretches in which all of ``availability`` is free, at least ``min_minutes`` long.

    The free time is laid out by :func:`free_cells`, as the engine's feasibility test lays it,
    on the weeks of ``mondays`` with one more week on each side.
    """
    week = timedelta(weeks=1)
    cal = make_calendar(
        (mondays[0] - week, *mondays, mondays[-1] + week),
        [zone for zone, _ in availability],
        [w for _, windows in availability for w in windows],
        session_minutes,
    )
    free = np.ones(cal.cells, dtype=bool)
    for zone, windows in availability:
        free &= free_cells(cal, zone, [tuple(windows)])[0]
    edges = np.diff(np.concatenate([[0], free.astype(np.int8), [0]]))
    starts = cal.origin + np.flatnonzero(edges == 1).astype(np.int64) * cal.step
    ends = cal.origin + np.flatnonzero(edges == -1).astype(np.int64) * cal.step
    keep = ends - starts >= min_minutes
    runs = tuple(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))
    changes = sorted(
        {int(t) for zone, _ in availability for t in zone_clock(zone, *cal.span()).transitions}
    )
    return Stretches(
        runs, cal.week_start(1), cal.week_start(cal.weeks - 1), cal.span(), tuple(changes)
    )


class _Wall:
    """One zone's wall clock as naive minutes since 1970 (what a clock on the wall shows)."""

    def __init__(self, zone: str, span: tuple[int, int]) -> None:
        clock = zone_clock(zone, *span)
        self._transitions: list[int] = clock.transitions.tolist()
        self._offsets: list[int] = clock.offsets.tolist()

    def at(self, utc: int) -> int:
        """The wall time of an instant (at a clock change: the new time, as zoneinfo has it)."""
        return utc + self._offsets[bisect_right(self._transitions, utc)]


def _windows_by_day(stretches: Stretches, wall: _Wall) -> dict[int, list[tuple[int, int]]]:
    """Day number → (start minute of the day, wall-clock minutes) of the windows starting then.

    A stretch shorter than a day is one window that may cross midnight (``Fri 23:00-01:00``);
    a longer one is cut at midnights, as :func:`format_windows` writes it, so the day a piece
    is listed under is the day it starts on.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for s, e in stretches.runs:
        start, end = wall.at(s), wall.at(e)
        if end <= start:
            # Only inside an autumn hour that repeats (02:30 summer time to 02:30 winter time):
            # no wall-clock text can say it, so the real length is written.
            end = start + (e - s)
        while start < end:
            day, offset = divmod(start, MINUTES_PER_DAY)
            length = end - start if end - start < MINUTES_PER_DAY else MINUTES_PER_DAY - offset
            out.setdefault(day, []).append((offset, length))
            start += length
    return out


def periods_in(stretches: Stretches, zone: str) -> Periods:
    """The stretches as windows in ``zone``, per period; dates are ``zone``'s local dates.

    The first period is dated by the first local date of the weeks that count; each later one
    by the first date on which its windows differ from what the period before says.
    """
    wall = _Wall(zone, stretches.span)
    by_day = _windows_by_day(stretches, wall)
    first = wall.at(stretches.first) // MINUTES_PER_DAY
    last = wall.at(stretches.end - 1) // MINUTES_PER_DAY
    found: list[tuple[int, dict[int, tuple[tuple[int, int], ...]]]] = [(first, {})]
    for day in range(first, last + 1):
        weekday = (day + 3) % 7
        windows = tuple(sorted(by_day.get(day, ())))
        pattern = found[-1][1]
        if pattern.get(weekday, windows) != windows:
            pattern = {}
            found.append((day, pattern))
        pattern[weekday] = windows
    change_days = sorted({wall.at(t) // MINUTES_PER_DAY for t in stretches.changes})
    for k in range(1, len(found)):
        found[k] = (_dated_by_the_change(found, k, by_day, change_days), found[k][1])
    return [
        (
            _DAY_ZERO + timedelta(days=day),
            tuple(
                sorted(
                    WeeklyWindow(weekday * MINUTES_PER_DAY + offset, minutes)
                    for weekday, windows in pattern.items()
                    for offset, minutes in windows
                )
            ),
        )
        for day, pattern in found
    ]


def _dated_by_the_change(
    found: list[tuple[int, dict[int, tuple[tuple[int, int], ...]]]],
    k: int,
    by_day: dict[int, list[tuple[int, int]]],
    change_days: Sequence[int],
) -> int:
    """The date to print for period ``k``: the day of the clock change behind it if the text
    still reads right from that day, else the first day whose windows differ.

    Any date from just after the last day that needs the old windows up to the first day that
    needs the new ones reads right; ``Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00`` (the
    day New York changes its clocks, outputs.md) says the same as ``from 2027-03-18`` and tells
    the reader why. When the change falls on a day that still has the old time, as a Sunday
    morning in Seoul on which the Saturday evening in Los Angeles is not yet summer time, the
    later date is printed.
    """
    first_new, pattern = found[k]
    earliest = first_new
    while earliest - 1 > found[k - 1][0]:
        day = earliest - 1
        if tuple(sorted(by_day.get(day, ()))) != pattern.get((day + 3) % 7, ()):
            break
        earliest = day
    usable = [day for day in change_days if earliest <= day <= first_new]
    return usable[-1] if usable else first_new


def windows_by_period(
    windows: Sequence[WeeklyWindow],
    timezone: str,
    first_day: date,
    last_day: date,
    target_timezone: str = SEOUL,
    first_week: date | None = None,
) -> Periods:
    """A person's weekly windows expressed in ``target_timezone``, per period of the semester.

    E.g. a New York tutor's Wednesday evening seen from Seoul: Thursday 09:00 until the first
    Thursday after the United States changes clocks, 08:00 from then on.
    """
    mondays = seoul_mondays(first_day, last_day, first_week)
    return periods_in(free_stretches(mondays, [(timezone, windows)], 30), target_timezone)


def format_periods(periods: Periods) -> str:
    """``Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00`` ("none" for empty windows).

    Windows are written as computed, not merged, so each is listed under the day it starts.
    No window at all (a pair made by hand with an override) is an empty text, so that an export
    holds an empty cell rather than a word no reader of the import format expects.
    """
    if not any(windows for _, windows in periods):
        return ""
    parts = []
    for i, (day, windows) in enumerate(periods):
        text = format_windows(windows, merge=False) or "none"
        parts.append(text if i == 0 else f"from {day.isoformat()}: {text}")
    return "; ".join(parts)
