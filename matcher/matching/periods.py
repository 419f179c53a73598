"""Availability shown in any zone, as stretches of weeks where it stays the same (outputs.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

import numpy as np

from matcher.matching.slots import (
    MONDAY_SHIFT,
    SEOUL,
    Calendar,
    free_cells,
    make_calendar,
    seoul_mondays,
    zone_clock,
)
from matcher.matching.windows import MINUTES_PER_WEEK, WeeklyWindow, format_windows, merge_windows

Periods = list[tuple[date, tuple[WeeklyWindow, ...]]]


def _week_windows(
    cal: Calendar, week: np.ndarray, start: int, target: str, min_minutes: int
) -> tuple[WeeklyWindow, ...]:
    edges = np.diff(np.concatenate([[0], week.astype(np.int8), [0]]))
    run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(run_starts):
        return ()
    utc = start + run_starts.astype(np.int64) * cal.step
    lo, hi = cal.span()
    local = utc + zone_clock(target, lo, hi).offset_at(utc)
    merged = merge_windows(
        WeeklyWindow(int(m), int(n) * cal.step)
        for m, n in zip(
            (local + MONDAY_SHIFT) % MINUTES_PER_WEEK, run_ends - run_starts, strict=True
        )
    )
    return tuple(w for w in merged if w.minutes >= min_minutes)


@lru_cache(maxsize=1024)
def _week_changes(cal: Calendar, zone: str) -> dict[int, tuple[tuple[int, date], ...]]:
    """Per week: the zone's clock changes within a week either side of the week's start."""
    lo, hi = cal.span()
    clock = zone_clock(zone, lo, hi)
    out = {}
    for w in range(cal.weeks):
        start = cal.week_start(w)
        found = clock.changes(start - MINUTES_PER_WEEK, start + MINUTES_PER_WEEK)
        if found:
            out[w] = tuple(found)
    return out


def periods_from_mask(
    cal: Calendar,
    free: np.ndarray,
    target: str,
    zones: Iterable[str],
    min_minutes: int = 1,
) -> Periods:
    """Turn a free-cell mask (at least weeks × cells_per_week long) into periods in ``target``.

    A new period starts where the windows change; it is dated by the clock change that caused
    it (local date in the changing zone), or by the week's Monday if no zone changed nearby.
    """
    cpw = cal.cells_per_week
    weekly = free[: cal.weeks * cpw].reshape(cal.weeks, cpw)
    same = np.all(weekly[1:] == weekly[:-1], axis=1)
    target_changes = _week_changes(cal, target)
    zone_changes = [_week_changes(cal, z) for z in sorted({*zones, target})]
    out: Periods = []
    previous: tuple[WeeklyWindow, ...] = ()
    for w in range(cal.weeks):
        if w > 0 and same[w - 1] and w not in target_changes:
            windows = previous
        else:
            windows = _week_windows(cal, weekly[w], cal.week_start(w), target, min_minutes)
        if not out:
            out.append((cal.mondays[w], windows))
        elif windows != out[-1][1]:
            changes = [c for found in zone_changes for c in found.get(w, ())]
            day = max(changes)[1] if changes else cal.mondays[w]
            out.append((day, windows))
        previous = windows
    return out


def windows_by_period(
    windows: Sequence[WeeklyWindow],
    timezone: str,
    first_day: date,
    last_day: date,
    target_timezone: str = SEOUL,
    first_week: date | None = None,
) -> Periods:
    """A person's weekly windows expressed in ``target_timezone``, per stretch of equal weeks.

    The first entry is dated by the first week's Monday (Seoul date); each later entry starts
    where a clock change moves the windows, e.g. a New York tutor's evening seen from Seoul.
    """
    mondays = seoul_mondays(first_day, last_day, first_week)
    cal = make_calendar(mondays, [timezone, target_timezone], windows, 30)
    free = free_cells(cal, timezone, [tuple(windows)])[0]
    return periods_from_mask(cal, free, target_timezone, [timezone])


def format_periods(periods: Periods) -> str:
    """``Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00`` ("none" for empty windows)."""
    parts = []
    for i, (day, windows) in enumerate(periods):
        text = format_windows(windows) or "none"
        parts.append(text if i == 0 else f"from {day.isoformat()}: {text}")
    return "; ".join(parts)
