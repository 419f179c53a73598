"""Weekly availability windows in local wall-clock time: parsing, merging, formatting.

Part of the domain because every applicant carries them, from the form and the file to the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for i, name in enumerate(d.lower() for d in DAYS)} | {
    name: i for i, name in enumerate(_FULL_DAYS)
}
_PIECE = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, order=True)
class WeeklyWindow:
    """A weekly window in someone's local wall-clock time.

    ``start`` is the minute of the local week (0 = Monday 00:00, < 10080); ``minutes`` is the
    length (1..10080). A window may run past midnight and past Sunday 24:00, in which case it
    continues on Monday: the week is a circle, because availability repeats every week.
    """

    start: int
    minutes: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_WEEK:
            raise ValueError(f"window start {self.start} is outside the week")
        if not 1 <= self.minutes <= MINUTES_PER_WEEK:
            raise ValueError(f"window length {self.minutes} must be 1..{MINUTES_PER_WEEK}")


class WindowSyntaxError(ValueError):
    """An availability text that does not follow the contract syntax; the message says which
    piece is wrong and why, in plain English, so it can be shown to the person who typed it."""


def _clock(piece: str, hours: str, minutes: str, *, is_end: bool) -> int:
    h, m = int(hours), int(minutes)
    if m not in (0, 30):
        raise WindowSyntaxError(f"'{piece}': minutes must be 00 or 30")
    if h == 24 and m == 0 and is_end:
        return MINUTES_PER_DAY
    if h > 23:
        what, allowed = ("end", "00:00 to 24:00") if is_end else ("start", "00:00 to 23:30")
        raise WindowSyntaxError(
            f"'{piece}': {h:02d}:{m:02d} is not a valid {what} time ({allowed})"
        )
    return h * 60 + m


def _parse_piece(piece: str) -> WeeklyWindow:
    match = _PIECE.match(piece)
    if match is None:
        raise WindowSyntaxError(
            f"'{piece}': expected a day and a time range like 'Mon 19:00-21:00' (24-hour clock)"
        )
    day_text, sh, sm, eh, em = match.groups()
    day = _DAY_INDEX.get(day_text.lower())
    if day is None:
        raise WindowSyntaxError(f"'{piece}': unknown day '{day_text}' (use Mon, Tue, … Sun)")
    start = _clock(piece, sh, sm, is_end=False)
    end = _clock(piece, eh, em, is_end=True)
    if start == end:
        raise WindowSyntaxError(f"'{piece}': start and end are the same time")
    # An end before the start means the window runs past midnight into the next day.
    length = end - start if end > start else end + MINUTES_PER_DAY - start
    return WeeklyWindow(day * MINUTES_PER_DAY + start, length)


def parse_windows(text: str) -> tuple[WeeklyWindow, ...]:
    """Parse the contract's availability syntax (``Mon 19:00-21:00; Fri 23:00-01:00``).

    Empty pieces between semicolons (a trailing ``;``) are ignored, but at least one window is
    required. The result is merged and sorted, so equal availability always compares equal.
    """
    pieces = [p.strip() for p in text.split(";")]
    pieces = [p for p in pieces if p]
    if not pieces:
        raise WindowSyntaxError(
            "availability is empty: give at least one weekly window like 'Mon 19:00-21:00'"
        )
    return merge_windows(_parse_piece(p) for p in pieces)


def merge_windows(windows: Iterable[WeeklyWindow]) -> tuple[WeeklyWindow, ...]:
    """Merge overlapping or touching windows (also across the Sunday→Monday wrap), sorted.

    Touching windows are merged because someone free 19–20 and 20–21 is free 19–21: keeping
    them apart would hide a two-hour stretch from anyone reading the result.
    """
    spans: list[tuple[int, int]] = []
    for w in windows:
        end = w.start + w.minutes
        if end > MINUTES_PER_WEEK:  # split at the week boundary, re-joined below
            spans.append((w.start, MINUTES_PER_WEEK))
            spans.append((0, end - MINUTES_PER_WEEK))
        else:
            spans.append((w.start, end))
    if not spans:
        return ()
    spans.sort()
    merged: list[list[int]] = [list(spans[0])]
    for s, e in spans[1:]:
        if s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if len(merged) == 1 and merged[0] == [0, MINUTES_PER_WEEK]:
        return (WeeklyWindow(0, MINUTES_PER_WEEK),)
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == MINUTES_PER_WEEK:
        first = merged.pop(0)
        merged[-1][1] = MINUTES_PER_WEEK + first[1]
    return tuple(sorted(WeeklyWindow(s, e - s) for s, e in merged))


def _hhmm(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def _format_one(window: WeeklyWindow) -> list[str]:
    pieces = []
    start, remaining = window.start, window.minutes
    while remaining > 0:
        day, offset = divmod(start % MINUTES_PER_WEEK, MINUTES_PER_DAY)
        # A piece shorter than a day may cross midnight; a longer one stops at 24:00 so that
        # every piece stays expressible in the import syntax (start == end is not allowed).
        length = remaining if remaining < MINUTES_PER_DAY else MINUTES_PER_DAY - offset
        end = offset + length
        end_text = "24:00" if end == MINUTES_PER_DAY else _hhmm(end % MINUTES_PER_DAY)
        pieces.append(f"{DAYS[day]} {_hhmm(offset)}-{end_text}")
        start, remaining = start + length, remaining - length
    return pieces


def format_windows(windows: Iterable[WeeklyWindow], *, merge: bool = True) -> str:
    """Write windows in the import syntax, e.g. ``Mon 19:00-21:00; Fri 23:00-01:00``.

    The output round-trips through :func:`parse_windows` (for 30-minute-aligned windows).
    An end at midnight of the start day is written ``24:00``; windows longer than a day are
    written as one piece per day. ``merge=False`` writes the windows as given (sorted), for
    text that must say exactly which window starts on which day (see ``periods.py``).
    """
    chosen = merge_windows(windows) if merge else sorted(windows)
    return "; ".join(p for w in chosen for p in _format_one(w))
