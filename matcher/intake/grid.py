"""The availability grid: half-hour checkboxes per day, and their translation to weekly windows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from matcher.domain.windows import (
    DAYS,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    WeeklyWindow,
    merge_windows,
)

SLOT_MINUTES = 30
DAY_STARTS_AT = 6 * 60  # rows before 06:00 are "night hours", folded away by default
SLOTS_PER_DAY = MINUTES_PER_DAY // SLOT_MINUTES


@dataclass(frozen=True)
class Cell:
    value: str  # what the checkbox posts: "Mon-19:00"
    day: int
    minute: int  # minute of the day the half-hour starts


@dataclass(frozen=True)
class Row:
    minute: int
    cells: tuple[Cell, ...]

    @property
    def label(self) -> str:
        return clock(self.minute)

    @property
    def end_label(self) -> str:
        return clock(self.minute + SLOT_MINUTES)


def clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def slot_value(day: int, minute: int) -> str:
    return f"{DAYS[day]}-{clock(minute)}"


def _row(minute: int) -> Row:
    return Row(minute, tuple(Cell(slot_value(d, minute), d, minute) for d in range(7)))


DAY_ROWS = tuple(_row(m) for m in range(DAY_STARTS_AT, MINUTES_PER_DAY, SLOT_MINUTES))
NIGHT_ROWS = tuple(_row(m) for m in range(0, DAY_STARTS_AT, SLOT_MINUTES))
_SLOT_START = {
    cell.value: cell.day * MINUTES_PER_DAY + cell.minute
    for row in NIGHT_ROWS + DAY_ROWS
    for cell in row.cells
}


def windows_from_slots(values: Iterable[str]) -> tuple[WeeklyWindow, ...]:
    """Ticked half-hours → merged weekly windows. Unknown values are ignored (a form's
    choices are validated separately; this never trusts them to be well formed)."""
    starts = {_SLOT_START[v] for v in values if v in _SLOT_START}
    return merge_windows(WeeklyWindow(s, SLOT_MINUTES) for s in starts)


def slots_from_windows(windows: Iterable[WeeklyWindow]) -> list[str]:
    """Weekly windows → the half-hour checkboxes to tick (a window not on the half-hour grid
    ticks every half-hour it touches, so an imported '19:15' is not silently dropped)."""
    ticked: set[int] = set()
    for w in windows:
        first = w.start - w.start % SLOT_MINUTES
        for s in range(first, w.start + w.minutes, SLOT_MINUTES):
            ticked.add(s % MINUTES_PER_WEEK)
    by_start = {start: value for value, start in _SLOT_START.items()}
    return [by_start[s] for s in sorted(ticked)]


def all_slot_values() -> list[str]:
    return list(_SLOT_START)


def night_selected(values: Iterable[str]) -> bool:
    night = {c.value for row in NIGHT_ROWS for c in row.cells}
    return any(v in night for v in values)


def longest_window(windows: Iterable[WeeklyWindow]) -> int:
    return max((w.minutes for w in windows), default=0)
