"""The availability grid turns ticked half-hours into the contract's weekly windows and back."""

from __future__ import annotations

from matcher.domain.windows import format_windows, parse_windows
from matcher.intake.grid import (
    DAY_ROWS,
    NIGHT_ROWS,
    night_selected,
    slots_from_windows,
    windows_from_slots,
)


def test_grid_has_seven_days_of_half_hours_split_into_day_and_night() -> None:
    assert len(DAY_ROWS) == 36 and len(NIGHT_ROWS) == 12
    assert DAY_ROWS[0].label == "06:00" and DAY_ROWS[-1].end_label == "24:00"
    assert all(len(row.cells) == 7 for row in DAY_ROWS + NIGHT_ROWS)


def test_adjacent_half_hours_merge_into_one_window() -> None:
    windows = windows_from_slots(["Mon-19:00", "Mon-19:30", "Mon-20:00", "Sat-09:30"])
    assert format_windows(windows) == "Mon 19:00-20:30; Sat 09:30-10:00"


def test_a_window_across_midnight_and_the_week_end_is_one_window() -> None:
    windows = windows_from_slots(["Sun-23:30", "Mon-00:00", "Fri-23:30", "Sat-00:00"])
    assert format_windows(windows) == "Fri 23:30-00:30; Sun 23:30-00:30"
    assert [w.minutes for w in windows] == [60, 60]


def test_unknown_values_are_ignored() -> None:
    assert windows_from_slots(["Mon-19:15", "<script>", "Funday-10:00", ""]) == ()


def test_round_trip_from_stored_windows_to_ticks() -> None:
    stored = parse_windows("Tue 05:00-07:00; Sun 23:00-01:00")
    ticks = slots_from_windows(stored)
    assert "Tue-05:30" in ticks and "Mon-00:30" in ticks
    assert night_selected(ticks)
    assert windows_from_slots(ticks) == stored


def test_a_window_off_the_half_hour_grid_ticks_every_half_hour_it_touches() -> None:
    assert slots_from_windows(parse_windows("Mon 19:00-19:30")) == ["Mon-19:00"]
