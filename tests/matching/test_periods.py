"""Shared windows as text around clock changes: each "from" date reads right (the day of the
clock change when that is true, as in outputs.md, else the first day the new windows apply), no
date repeats, and wall-clock ends are right across a change."""

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from matcher.matching import (
    DAYS,
    MINUTES_PER_WEEK,
    Person,
    WeeklyWindow,
    explain_pair,
    merge_windows,
    propose_matches,
)
from matcher.matching.context import prepare
from matcher.matching.slots import seoul_mondays

from .builders import FALL_FIRST, FALL_LAST, SPRING_FIRST, SPRING_LAST, problem, student, tutor
from .oracle import common_intervals, windows

QA_FIRST, QA_LAST = date(2027, 3, 3), date(2027, 6, 18)


def texts(s: Person, t: Person, first=SPRING_FIRST, last=SPRING_LAST) -> tuple[str, str, str]:
    why = explain_pair(problem([s], [t], first=first, last=last), s.id, t.id)
    return why.windows_seoul, why.windows_student_local, why.windows_tutor_local


# --- The QA report's cases, through the planner as match preview calls it. ---


def test_qa_los_angeles_saturday_evening_moves_on_the_first_seoul_sunday_after_the_change():
    s = student("s1", windows="Sun 10:00-12:30")
    t = tutor("t1", windows="Sat 18:00-20:30", timezone="America/Los_Angeles")
    (pair,) = propose_matches(problem([s], [t], first=QA_FIRST, last=QA_LAST)).pairs
    # Sat 13 March 18:00 PST is Sun 14 March 11:00 in Seoul: 10:00 first works on 21 March.
    assert pair.windows_seoul == "Sun 11:00-12:30; from 2027-03-21: Sun 10:00-12:30"
    assert pair.windows_student_local == pair.windows_seoul
    assert pair.windows_tutor_local == "Sat 18:00-19:30; from 2027-03-14: Sat 18:00-20:30"


def test_qa_paris_night_of_the_change_is_its_own_week_with_the_real_wall_clock_ends():
    s = student("s1", windows="Sun 09:00-11:30")
    t = tutor("t1", windows="Sun 01:30-04:00", timezone="Europe/Paris")
    (pair,) = propose_matches(problem([s], [t], first=QA_FIRST, last=QA_LAST)).pairs
    # On 28 March 01:30 CET to 04:00 CEST is 1.5 real hours: 09:30-11:00 in Seoul.
    assert pair.windows_seoul == (
        "Sun 09:30-11:30; from 2027-03-28: Sun 09:30-11:00; from 2027-04-04: Sun 09:00-11:00"
    )
    assert pair.windows_student_local == pair.windows_seoul
    assert pair.windows_tutor_local == (
        "Sun 01:30-03:30; from 2027-03-28: Sun 01:30-04:00; from 2027-04-04: Sun 02:00-04:00"
    )


# --- More zones and changes: a Seoul student, so the student's column is the Seoul one. ---

SPRING, FALL = (SPRING_FIRST, SPRING_LAST), (FALL_FIRST, FALL_LAST)
CASES = [
    # Sat 19:00 New York is Sun 09:00 in Seoul (EST), Sun 08:00 (EDT); 13 March is still EST.
    # The tutor's own clock does not move.
    pytest.param(
        "Sun 08:00-11:00",
        ("America/New_York", "Sat 19:00-21:00"),
        SPRING,
        "Sun 09:00-11:00; from 2027-03-21: Sun 08:00-10:00",
        "Sat 19:00-21:00",
        id="new-york-march-first-seoul-sunday-after",
    ),
    # Sun 14 March 08:00 EDT (after the 02:00 change) is already Sun 14 March 21:00 in Seoul.
    pytest.param(
        "Sun 20:00-24:00",
        ("America/New_York", "Sun 08:00-10:00"),
        SPRING,
        "Sun 22:00-24:00; from 2027-03-14: Sun 21:00-23:00",
        "Sun 08:00-10:00",
        id="new-york-march-day-of-the-change",
    ),
    # Sun 7 November 20:00 EST (after the change) is Mon 8 November 10:00 in Seoul.
    pytest.param(
        "Mon 09:00-11:00",
        ("America/New_York", "Sun 20:00-22:00"),
        FALL,
        "Mon 09:00-11:00; from 2027-11-07: Mon 10:00-11:00",
        "Sun 20:00-22:00; from 2027-11-07: Sun 20:00-21:00",
        id="new-york-november-each-column-its-own-date",
    ),
    # 7 November: 00:30 EDT to 03:00 EST is 3.5 real hours, 13:30-17:00 in Seoul.
    pytest.param(
        "Sun 13:00-18:00",
        ("America/New_York", "Sun 00:30-03:00"),
        FALL,
        "Sun 13:30-16:00; from 2027-11-07: Sun 13:30-17:00; from 2027-11-14: Sun 14:30-17:00",
        "Sun 00:30-03:00",
        id="new-york-window-spanning-the-november-change",
    ),
    # Sydney leaves summer time on Sunday 4 April (03:00 AEDT → 02:00 AEST).
    pytest.param(
        "Sun 07:00-10:00",
        ("Australia/Sydney", "Sun 10:00-12:00"),
        SPRING,
        "Sun 08:00-10:00; from 2027-04-04: Sun 09:00-10:00",
        "Sun 10:00-12:00; from 2027-04-04: Sun 10:00-11:00",
        id="sydney-april",
    ),
    # 01:00 AEDT to 04:00 AEST on 4 April is four real hours, Sat 23:00-03:00 in Seoul; a week
    # later the window starts at Sun 00:00, so from Saturday 10 April none starts on Saturday.
    pytest.param(
        "Sat 20:00-06:00",
        ("Australia/Sydney", "Sun 01:00-04:00"),
        SPRING,
        "Sat 23:00-02:00; from 2027-04-03: Sat 23:00-03:00; from 2027-04-10: Sun 00:00-03:00",
        "Sun 01:00-04:00",
        id="sydney-window-spanning-the-april-change",
    ),
    # +05:45 all year: 18:00-20:00 is 21:15-23:15 in Seoul.
    pytest.param(
        "Mon 21:00-23:00",
        ("Asia/Kathmandu", "Mon 18:00-20:00"),
        SPRING,
        "Mon 21:15-23:00",
        "Mon 18:00-19:45",
        id="kathmandu-no-change",
    ),
    pytest.param(
        "Fri 21:00-02:00",
        ("Europe/London", "Fri 14:00-16:00"),
        SPRING,
        "Fri 23:00-01:00; from 2027-03-28: Fri 22:00-24:00",
        "Fri 14:00-16:00",
        id="crossing-midnight-in-seoul",
    ),
    # Sun 14 March 22:00 PDT is Mon 15 March 14:00 in Seoul: each column has its own date.
    pytest.param(
        "Mon 14:00-18:00",
        ("America/Los_Angeles", "Sun 22:00-01:00"),
        SPRING,
        "Mon 15:00-18:00; from 2027-03-14: Mon 14:00-17:00",
        "Sun 22:00-01:00",
        id="crossing-midnight-in-the-tutors-zone",
    ),
    # 15:00 GMT is Mon 00:00 in Seoul; from 28 March 15:00 BST is Sun 23:00.
    pytest.param(
        "Sun 22:00-03:00",
        ("Europe/London", "Sun 15:00-17:00"),
        SPRING,
        "Mon 00:00-02:00; from 2027-03-28: Sun 23:00-01:00",
        "Sun 15:00-17:00",
        id="moving-across-the-end-of-the-seoul-week",
    ),
    # Sat 13 March is still 11:00 (Fri 18:00 PST); Mon 15 March is already 10:00 (Sun 18:00 PDT).
    pytest.param(
        "Sat 09:00-13:00; Mon 09:00-13:00",
        ("America/Los_Angeles", "Fri 18:00-19:00; Sun 18:00-19:00"),
        SPRING,
        "Mon 11:00-12:00; Sat 11:00-12:00; from 2027-03-14: Mon 10:00-11:00; Sat 10:00-11:00",
        "Fri 18:00-19:00; Sun 18:00-19:00",
        id="two-windows-either-side-of-a-change-in-one-seoul-week",
    ),
    pytest.param(
        "Tue 18:00-22:00",
        ("Asia/Tokyo", "Tue 19:00-21:00"),
        SPRING,
        "Tue 19:00-21:00",
        "Tue 19:00-21:00",
        id="tokyo-no-change",
    ),
    # New York's summer time covers the whole range: no "from" part at all.
    pytest.param(
        "Thu 08:00-10:00",
        ("America/New_York", "Wed 19:00-20:00"),
        (date(2027, 4, 1), date(2027, 6, 30)),
        "Thu 08:00-09:00",
        "Wed 19:00-20:00",
        id="new-york-semester-without-a-change",
    ),
]


@pytest.mark.parametrize(("student_windows", "tutor_at", "semester", "seoul", "local"), CASES)
def test_windows_text_around_clock_changes(student_windows, tutor_at, semester, seoul, local):
    zone, tutor_windows = tutor_at
    s = student("s1", windows=student_windows)
    t = tutor("t1", windows=tutor_windows, timezone=zone)
    assert texts(s, t, *semester) == (seoul, seoul, local)


def test_no_common_time_at_all_is_an_empty_text_not_a_word():
    """A pair made by hand with an override may share no time: its export cells stay empty."""
    s = student("s1", windows="Mon 09:00-10:00")
    t = tutor("t1", windows="Tue 09:00-10:00", timezone="Asia/Seoul")
    assert texts(s, t) == ("", "", "")


# --- Property: the text, read date by date, is exactly the common time (zoneinfo oracle). ---

ZONES = [
    "Asia/Seoul",
    "Asia/Tokyo",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Santiago",  # changes at midnight
    "Europe/London",
    "Europe/Paris",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half-hour change
    "Asia/Kathmandu",
    "Pacific/Chatham",
]
_PIECE = re.compile(r"^(\w{3}) (\d\d):(\d\d)-(\d\d):(\d\d)$")


def read_periods(text: str) -> list[tuple[date | None, dict[int, list[tuple[int, int]]]]]:
    """Parse the text as a reader would: periods of weekday → (start, end) wall minutes."""
    periods: list[tuple[date | None, dict[int, list[tuple[int, int]]]]] = []
    for part in text.split("; "):
        dated = re.match(r"^from (\d{4}-\d\d-\d\d): (.+)$", part)
        if dated or not periods:
            periods.append((date.fromisoformat(dated[1]) if dated else None, {}))
            part = dated[2] if dated else part
        if part in ("none", ""):  # "" only as the whole text: no common time at all
            continue
        day, sh, sm, eh, em = _PIECE.match(part).groups()
        start, end = int(sh) * 60 + int(sm), int(eh) * 60 + int(em)
        periods[-1][1].setdefault(DAYS.index(day), []).append((start, end + 1440 * (end <= start)))
    starts = [d for d, _ in periods[1:]]
    assert starts == sorted(set(starts)), f"dates repeat or go back: {text}"
    return periods


def _readings(day: date, minute: int, zone: ZoneInfo) -> set[datetime]:
    """The instants a wall time can mean: one, or two in a repeated autumn hour."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    return {wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}


def check_column(text: str, zone_name: str, runs, lo: datetime, hi: datetime) -> None:
    """Every window the text gives a date of [lo, hi) (reader's dates) is one common run, and
    every common run starting on such a date is given, on that date (runs are shorter than a
    day here, so each is one window). "from" dates rise strictly and each starts a period
    that says something new; reading date by date (below) proves each date is early enough
    and late enough."""
    zone = ZoneInfo(zone_name)
    periods = read_periods(text)
    first, last = lo.astimezone(zone).date(), (hi - timedelta(minutes=1)).astimezone(zone).date()
    dates = [day for day, _ in periods[1:]]
    assert dates == sorted(set(dates)), f"dates repeat or go back: {text}"
    for (_, before), (day, after) in pairwise(periods):
        assert first < day <= last, f"{day} is outside the weeks: {text}"
        assert before != after, text
    expected = {(a, b) for a, b in runs if first <= a.astimezone(zone).date() <= last}
    found = set()
    day = first
    while day <= last:
        pattern = [p for d, p in periods if d is None or d <= day][-1]
        for start, end in pattern.get(day.weekday(), []):
            starts = _readings(day, start, zone)
            ends = _readings(day, end, zone)
            if len(starts) > 1:  # a repeated hour: the text may give the real length instead
                ends |= {s + timedelta(minutes=end - start) for s in starts}
            hits = {(a, b) for a in starts for b in ends} & expected
            assert hits, f"{day} {start}-{end} in {zone_name} is not a common window: {text}"
            found |= hits
        day += timedelta(days=1)
    assert found == expected, f"missing {sorted(expected - found)[:3]} in {text}"


SEMESTERS = st.sampled_from([(SPRING_FIRST, SPRING_LAST), (FALL_FIRST, FALL_LAST)])


@st.composite
def overlapping(draw, semester):
    """A tutor somewhere and a Seoul student free around the tutor's windows as seen from Seoul
    at the semester's start, so that clock changes move, cut or join their common time."""
    zone = draw(st.sampled_from(ZONES))
    tutor_windows = draw(windows)
    start = datetime.combine(semester[0], time(12))
    shift = int(
        (
            start.replace(tzinfo=ZoneInfo("Asia/Seoul")).utcoffset()
            - start.replace(tzinfo=ZoneInfo(zone)).utcoffset()
        ).total_seconds()
        // 60
    )
    moved = []
    for w in tutor_windows:
        before, after = draw(st.sampled_from([-60, -30, 0, 30, 60])), draw(st.integers(-2, 2))
        length = max(30, w.minutes - before + after * 30)
        moved.append(WeeklyWindow((w.start + shift + before) % MINUTES_PER_WEEK, length))
    return Person(
        "s1", role="student", timezone="Asia/Seoul", windows=merge_windows(moved)
    ), Person("t1", role="tutor", timezone=zone, windows=tutor_windows)


@st.composite
def pairs(draw):
    semester = draw(SEMESTERS)
    if draw(st.booleans()):
        s, t = draw(overlapping(semester))
    else:
        s = Person(
            "s1", role="student", timezone=draw(st.sampled_from(ZONES)), windows=draw(windows)
        )
        t = Person("t1", role="tutor", timezone=draw(st.sampled_from(ZONES)), windows=draw(windows))
    return s, t, semester


@given(pairs(), st.sampled_from([30, 60, 90]))
def test_text_read_date_by_date_is_the_common_time_and_agrees_with_feasibility(pair, minutes):
    s, t, (first, last) = pair
    s = replace(s, levels=frozenset({"beginner"}))
    prob = problem([s], [t], first=first, last=last, session_minutes=minutes)
    why = explain_pair(prob, "s1", "t1")
    mondays = seoul_mondays(first, last)
    seoul = ZoneInfo("Asia/Seoul")
    lo = datetime.combine(mondays[0], time(), seoul).astimezone(UTC)
    hi = lo + timedelta(weeks=len(mondays))
    session = timedelta(minutes=minutes)
    runs = [
        (a, b)
        for a, b in common_intervals(s, t, lo - timedelta(days=2), hi + timedelta(days=2))
        if b - a >= session
    ]
    event("the text has a from date" if "from " in why.windows_seoul else "no from date")
    check_column(why.windows_seoul, "Asia/Seoul", runs, lo, hi)
    check_column(why.windows_student_local, s.timezone, runs, lo, hi)
    check_column(why.windows_tutor_local, t.timezone, runs, lo, hi)
    # The engine's weekly test says a week fits exactly when a common run holds a session
    # starting in that week.
    ctx = prepare(prob)
    engine = (ctx.weekly_starts(s) & ctx.weekly_starts(t)).any(axis=1)
    weeks = [lo + timedelta(weeks=w) for w in range(len(mondays))]
    oracle = [
        any(max(a, w) < w + timedelta(weeks=1) and max(a, w) + session <= b for a, b in runs)
        for w in weeks
    ]
    assert engine.tolist() == oracle
    assert why.feasible == bool(np.all(engine))
