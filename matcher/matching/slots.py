"""Availability on the real calendar: Seoul weeks, zone clocks, per-person minute-grid masks."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from matcher.domain.windows import MINUTES_PER_DAY, MINUTES_PER_WEEK, WeeklyWindow

SEOUL = "Asia/Seoul"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MONDAY_SHIFT = 3 * MINUTES_PER_DAY  # 1970-01-01 was a Thursday: minute + shift = Monday-based
_MARGIN_DAYS = 9  # windows up to a week long, laid from the week before, plus a day's offset


def _minute(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds() // 60)


@dataclass(frozen=True)
class ZoneClock:
    """One IANA zone's UTC offsets over a stretch of time, as arrays for vectorised lookups.

    ``transitions[i]`` is the UTC minute at which ``offsets[i + 1]`` takes over from
    ``offsets[i]``. Wall-clock times are read as ``zoneinfo`` reads them with ``fold=0``: an
    ambiguous time (autumn) takes the earlier offset, a non-existent time (spring gap) the offset
    before the change, so a wall time ``w`` uses the new offset from ``T + max(old, new)`` on.
    """

    name: str
    transitions: np.ndarray  # int64 UTC minutes
    offsets: np.ndarray  # int64 minutes east of UTC, len(transitions) + 1

    @property
    def wall_breaks(self) -> np.ndarray:
        breaks: np.ndarray = self.transitions + np.maximum(self.offsets[:-1], self.offsets[1:])
        return breaks

    def to_utc(self, wall: np.ndarray) -> np.ndarray:
        """Naive wall minutes since 1970 → UTC minutes (fold=0)."""
        utc: np.ndarray = wall - self.offsets[np.searchsorted(self.wall_breaks, wall, side="right")]
        return utc

    def offset_at(self, utc: np.ndarray) -> np.ndarray:
        return self.offsets[np.searchsorted(self.transitions, utc, side="right")]

    def changes(self, lo: int, hi: int) -> list[tuple[int, date]]:
        """Clock changes in [lo, hi) UTC minutes, with the local date each happens on."""
        out = []
        for i, t in enumerate(self.transitions.tolist()):
            if lo <= t < hi:
                local = _EPOCH + timedelta(minutes=t + int(self.offsets[i + 1]))
                out.append((t, local.date()))
        return out


def _offset_minutes(zone: ZoneInfo, utc_minute: int) -> int:
    offset = (_EPOCH + timedelta(minutes=utc_minute)).astimezone(zone).utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    if seconds % 60:
        raise ValueError(f"{zone.key}: offsets that are not whole minutes are not supported")
    return seconds // 60


@lru_cache(maxsize=512)
def zone_clock(name: str, lo: int, hi: int) -> ZoneClock:
    """The clock of zone ``name`` between UTC minutes ``lo`` and ``hi``.

    Offsets are sampled every 6 hours and each change is then pinned to the minute by
    bisection, so a few hundred ``zoneinfo`` calls describe a whole semester.
    """
    zone = ZoneInfo(name)
    step = 6 * 60
    samples = list(range(lo, hi + step, step))
    values = [_offset_minutes(zone, m) for m in samples]
    transitions, offsets = [], [values[0]]
    for a, b, va, vb in zip(samples, samples[1:], values, values[1:], strict=False):
        if va == vb:
            continue
        while b - a > 1:  # invariant: offset(a) == va != offset(b)
            mid = (a + b) // 2
            if _offset_minutes(zone, mid) == va:
                a = mid
            else:
                b = mid
        transitions.append(b)
        offsets.append(vb)
    return ZoneClock(name, np.array(transitions, dtype=np.int64), np.array(offsets, np.int64))


@dataclass(frozen=True)
class Calendar:
    """The weeks that count, as a grid of ``step``-minute cells starting at the first week.

    Week ``w`` is cells ``[w * cells_per_week, (w + 1) * cells_per_week)``; the grid runs
    ``session_cells`` past the last week because a session may end after its week does.
    """

    mondays: tuple[date, ...]  # Seoul dates
    origin: int  # UTC minute of the first week's start (Monday 00:00 in Seoul)
    step: int
    session_minutes: int

    @property
    def weeks(self) -> int:
        return len(self.mondays)

    @property
    def cells_per_week(self) -> int:
        return MINUTES_PER_WEEK // self.step

    @property
    def session_cells(self) -> int:
        return self.session_minutes // self.step

    @property
    def cells(self) -> int:
        return self.weeks * self.cells_per_week + self.session_cells

    @property
    def end(self) -> int:
        return self.origin + self.weeks * MINUTES_PER_WEEK

    def span(self) -> tuple[int, int]:
        """UTC minutes around the semester within which zone clocks are needed."""
        margin = _MARGIN_DAYS * MINUTES_PER_DAY
        return self.origin - margin, self.end + self.session_minutes + margin

    def week_start(self, week: int) -> int:
        return self.origin + week * MINUTES_PER_WEEK


def seoul_mondays(first_day: date, last_day: date, first_week: date | None = None) -> list[date]:
    """Mondays of the Seoul weeks holding at least one semester day, from ``first_week``'s on."""
    if last_day < first_day:
        raise ValueError("the semester's last day is before its first day")
    start = first_day - timedelta(days=first_day.weekday())
    if first_week is not None:
        start = max(start, first_week - timedelta(days=first_week.weekday()))
    stop = last_day - timedelta(days=last_day.weekday())
    weeks = (stop - start).days // 7 + 1
    if weeks < 1:
        raise ValueError("no semester week is left after the first week to match from")
    return [start + timedelta(weeks=i) for i in range(weeks)]


def make_calendar(
    mondays: Sequence[date],
    zones: Iterable[str],
    windows: Iterable[WeeklyWindow],
    session_minutes: int,
) -> Calendar:
    """Build the grid; its step is the gcd of 30, the session, every window end and offset.

    With such a step every free stretch starts and ends on a cell boundary, so testing only
    cell-aligned start times finds a meeting time whenever any real-valued one exists: exact.
    """
    if session_minutes < 1:
        raise ValueError("the session length must be at least one minute")
    first = datetime(mondays[0].year, mondays[0].month, mondays[0].day, tzinfo=ZoneInfo(SEOUL))
    origin = _minute(first)
    seoul = zone_clock(SEOUL, origin - MINUTES_PER_WEEK, origin + (len(mondays) + 1) * 10080)
    if len(seoul.transitions):
        raise ValueError("weeks are Seoul weeks and Seoul is assumed to keep one offset")
    step = math.gcd(30, session_minutes, MINUTES_PER_WEEK)
    for w in windows:
        step = math.gcd(step, w.start, w.minutes)
    cal = Calendar(tuple(mondays), origin, step, session_minutes)
    lo, hi = cal.span()
    for name in set(zones):
        for off in zone_clock(name, lo, hi).offsets.tolist():
            step = math.gcd(step, off)
    step = math.gcd(step, origin)
    return Calendar(tuple(mondays), origin, step, session_minutes)


def free_cells(
    cal: Calendar, timezone: str, keys: Sequence[tuple[WeeklyWindow, ...]]
) -> np.ndarray:
    """Cells in which each availability key (in ``timezone``) is free: bool (len(keys), cells).

    Each weekly window is laid on every local week around the semester; both wall-clock ends
    are turned into instants with fold=0, and the real time between them is free.
    """
    lo, hi = cal.span()
    clock = zone_clock(timezone, lo, hi)
    first_wall = lo + int(clock.offsets[0])
    monday0 = first_wall - (first_wall + MONDAY_SHIFT) % MINUTES_PER_WEEK
    mondays = np.arange(monday0, hi + int(clock.offsets.max()) + 1, MINUTES_PER_WEEK)
    rows, starts, lengths = [], [], []
    for i, key in enumerate(keys):
        for w in key:
            rows.append(i)
            starts.append(w.start)
            lengths.append(w.minutes)
    out = np.zeros((len(keys), cal.cells), dtype=bool)
    if not rows:
        return out
    r = np.repeat(np.asarray(rows), len(mondays))
    wall = (np.asarray(starts)[:, None] + mondays[None, :]).ravel()
    s = clock.to_utc(wall)
    e = clock.to_utc(wall + np.repeat(np.asarray(lengths), len(mondays)))
    cs = np.clip(s - cal.origin, 0, cal.cells * cal.step)
    ce = np.clip(e - cal.origin, 0, cal.cells * cal.step)
    keep = ce > cs
    r, cs, ce = r[keep], cs[keep], ce[keep]
    if np.any(cs % cal.step) or np.any(ce % cal.step):
        raise AssertionError("grid step does not divide a window end")  # make_calendar bug
    diff = np.zeros((len(keys), cal.cells + 1), dtype=np.int32)
    np.add.at(diff, (r, cs // cal.step), 1)
    np.add.at(diff, (r, ce // cal.step), -1)
    np.cumsum(diff[:, :-1], axis=1, out=diff[:, :-1])
    out[:] = diff[:, :-1] > 0
    return out


def valid_starts(free: np.ndarray, cal: Calendar) -> np.ndarray:
    """Erode free cells to start cells t with [t, t + session) all free: (n, weeks * cpw).

    Erosion distributes over intersection, so a pair has a common start exactly where both
    people's start masks are true; this turns the pair test into a matrix product.
    """
    k = cal.session_cells
    n_starts = cal.weeks * cal.cells_per_week
    csum = np.zeros((free.shape[0], free.shape[1] + 1), dtype=np.int32)
    np.cumsum(free, axis=1, out=csum[:, 1:])
    starts: np.ndarray = (csum[:, k : k + n_starts] - csum[:, :n_starts]) == k
    return starts
