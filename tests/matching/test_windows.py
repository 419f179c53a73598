"""Availability syntax: what a person types is read, merged and written back faithfully."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.domain.windows import (
    MINUTES_PER_WEEK,
    WeeklyWindow,
    WindowSyntaxError,
    format_windows,
    merge_windows,
    parse_windows,
)

DAY = 24 * 60


def test_simple_window_is_read_as_minutes_of_the_week():
    assert parse_windows("Mon 19:00-21:00") == (WeeklyWindow(19 * 60, 120),)
    assert parse_windows("Sun 09:30-10:00") == (WeeklyWindow(6 * DAY + 570, 30),)


def test_full_day_names_any_case_and_spaces_are_accepted():
    assert parse_windows("  wednesday 08:00 - 09:30 ;  SAT 10:00-11:00 ;") == (
        WeeklyWindow(2 * DAY + 480, 90),
        WeeklyWindow(5 * DAY + 600, 60),
    )


def test_end_before_start_crosses_midnight():
    assert parse_windows("Fri 23:00-01:00") == (WeeklyWindow(4 * DAY + 23 * 60, 120),)


def test_sunday_night_window_wraps_to_monday():
    (w,) = parse_windows("Sun 23:00-01:00")
    assert w.start == 6 * DAY + 23 * 60 and w.minutes == 120


def test_24_00_is_allowed_as_an_end():
    assert parse_windows("Sat 22:00-24:00") == (WeeklyWindow(5 * DAY + 22 * 60, 120),)
    assert parse_windows("Tue 00:00-24:00") == (WeeklyWindow(DAY, DAY),)


def test_touching_and_overlapping_windows_merge():
    assert parse_windows("Mon 19:00-20:00; Mon 20:00-21:00") == (WeeklyWindow(19 * 60, 120),)
    assert parse_windows("Mon 19:00-20:30; Mon 20:00-21:00") == (WeeklyWindow(19 * 60, 120),)
    assert parse_windows("Mon 23:00-24:00; Tue 00:00-01:00") == (WeeklyWindow(23 * 60, 120),)


def test_windows_merge_across_the_sunday_monday_wrap():
    merged = parse_windows("Mon 00:00-01:00; Sun 22:00-24:00")
    assert merged == (WeeklyWindow(6 * DAY + 22 * 60, 180),)


def test_whole_week_merges_to_one_window():
    text = "; ".join(f"{d} 00:00-24:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    assert parse_windows(text) == (WeeklyWindow(0, MINUTES_PER_WEEK),)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Mon 19:15-20:00", "'Mon 19:15-20:00': minutes must be 00 or 30"),
        ("Mo 19:00-20:00", "unknown day 'Mo'"),
        ("Mon 19:00-19:00", "start and end are the same"),
        ("Mon 7pm-9pm", "expected a day and a time range"),
        ("Mon 25:00-26:00", "not a valid start time"),
        ("Mon 24:00-02:00", "not a valid start time"),
        ("Mon 19:00-24:30", "24:30 is not a valid end time"),
        ("Mon 19:00-21:00; Tue 9-10", "'Tue 9-10'"),
        ("", "availability is empty"),
        (" ; ", "availability is empty"),
    ],
)
def test_bad_text_is_refused_naming_the_bad_piece(text, fragment):
    with pytest.raises(WindowSyntaxError, match="'") as info:
        parse_windows(text)
    assert fragment in str(info.value)


def test_window_syntax_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_windows("nonsense")


def test_format_writes_midnight_as_24_00_on_the_start_day():
    assert format_windows(parse_windows("Sat 22:00-24:00")) == "Sat 22:00-24:00"
    assert format_windows(parse_windows("Fri 23:00-01:00; Mon 19:00-21:00")) == (
        "Mon 19:00-21:00; Fri 23:00-01:00"
    )


def test_format_splits_windows_longer_than_a_day():
    text = format_windows([WeeklyWindow(DAY + 600, 2 * DAY)])
    assert text == "Tue 10:00-24:00; Wed 00:00-24:00; Thu 00:00-10:00"
    assert parse_windows(text) == (WeeklyWindow(DAY + 600, 2 * DAY),)


half_hours = st.integers(0, MINUTES_PER_WEEK // 30 - 1)
lengths = st.integers(1, DAY // 30 * 3)
windows = st.lists(
    st.builds(lambda s, n: WeeklyWindow(s * 30, n * 30), half_hours, lengths), max_size=8
)


def _minutes_covered(ws):
    covered = set()
    for w in ws:
        covered.update((w.start + i) % MINUTES_PER_WEEK for i in range(w.minutes))
    return covered


@given(windows)
def test_merge_keeps_exactly_the_same_minutes_in_disjoint_sorted_windows(ws):
    merged = merge_windows(ws)
    assert _minutes_covered(merged) == _minutes_covered(ws)
    assert list(merged) == sorted(merged)
    # No two merged windows touch or overlap: each gap is at least one minute.
    cover = sum(w.minutes for w in merged)
    assert cover == len(_minutes_covered(ws))
    if len(merged) > 1:
        for a, b in zip(merged, [*merged[1:], merged[0]], strict=True):
            gap = (b.start - (a.start + a.minutes)) % MINUTES_PER_WEEK
            assert gap > 0


@given(windows.filter(bool))
def test_format_round_trips_through_parse(ws):
    assert parse_windows(format_windows(ws)) == merge_windows(ws)
