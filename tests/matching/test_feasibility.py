"""The time rule on the real calendar: clock changes, odd offsets, week edges, session length."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

from matcher.matching import Person, explain_pair, feasible_counts
from matcher.matching.slots import zone_clock

from .builders import FALL_FIRST, FALL_LAST, problem, student, tutor
from .oracle import common_intervals, windows

ZONES = [
    "Asia/Seoul",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Australia/Eucla",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Pacific/Chatham",
]


def _feasible(s, t, **kw) -> bool:
    return explain_pair(problem([s], [t], **kw), s.id, t.id).feasible


def _bad_weeks(s, t, **kw) -> tuple[str, ...]:
    return explain_pair(problem([s], [t], **kw), s.id, t.id).weeks_without_time


def oracle_bad_weeks(s, t, first: date, last: date, minutes: int) -> list[str]:
    seoul = ZoneInfo("Asia/Seoul")
    monday = first - timedelta(days=first.weekday())
    bad = []
    while monday <= last:
        lo = datetime.combine(monday, time(), seoul).astimezone(UTC)
        hi = lo + timedelta(days=7)
        length = timedelta(minutes=minutes)
        common = common_intervals(s, t, lo, hi)
        if not any(max(a, lo) < hi and max(a, lo) + length <= b for a, b in common):
            bad.append(monday.isoformat())
        monday += timedelta(days=7)
    return bad


@given(
    st.sampled_from(ZONES),
    windows,
    st.sampled_from(ZONES),
    windows,
    st.dates(date(2027, 1, 1), date(2027, 12, 20)),
    st.integers(0, 40),
    st.sampled_from([30, 45, 60, 61, 90, 120]),
)
def test_weeks_without_time_match_an_independent_datetime_oracle(
    s_zone, s_windows, t_zone, t_windows, first, days, minutes
):
    s = Person(
        "s1", role="student", timezone=s_zone, windows=s_windows, levels=frozenset({"beginner"})
    )
    t = Person("t1", role="tutor", timezone=t_zone, windows=t_windows)
    last = first + timedelta(days=days)
    got = _bad_weeks(s, t, first=first, last=last, session_minutes=minutes)
    expected = oracle_bad_weeks(s, t, first, last, minutes)
    event("some weeks fail" if expected else "every week fits")
    assert list(got) == expected


@given(st.sampled_from(ZONES), st.integers(0, 60 * 24 * 400))
def test_wall_clock_reading_is_zoneinfo_fold_0(zone, minute):
    lo = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp() // 60)
    clock = zone_clock(zone, lo - 2000, lo + 60 * 24 * 400 + 2000)
    wall = datetime(2027, 1, 1) + timedelta(minutes=minute)
    expected = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    naive_minutes = int((wall - datetime(1970, 1, 1)).total_seconds() // 60)
    got = int(clock.to_utc(np.array([naive_minutes]))[0])
    assert got == int(expected.timestamp() // 60)


# --- Hand-built cases a coordinator would recognise. ---


def test_new_york_hour_lost_after_us_spring_change_contract_example():
    s = student(windows="Thu 09:00-10:00")
    t = tutor(windows="Wed 19:00-20:00", timezone="America/New_York")
    explanation = explain_pair(problem([s], [t]), "s1", "t1")
    assert not explanation.feasible
    assert explanation.weeks_without_time[0] == "2027-03-15"
    assert "America/New_York changes clocks on 2027-03-14" in explanation.clock_changes
    # The same tutor fits a student free an hour earlier after the change… only after it.
    assert not _feasible(student(windows="Thu 08:00-09:00"), t)
    assert _feasible(student(windows="Thu 08:00-10:00"), t)


def test_autumn_change_breaks_the_pair_the_other_way():
    s = student(windows="Thu 08:00-09:00")
    t = tutor(windows="Wed 19:00-20:00", timezone="America/New_York")
    bad = _bad_weeks(s, t, first=FALL_FIRST, last=FALL_LAST)
    assert bad and bad[0] == "2027-11-08"
    assert all(day >= "2027-11-08" for day in bad)


def test_european_spring_change():
    t = tutor(windows="Thu 01:00-02:00", timezone="Europe/London")  # 10:00 KST, then 09:00
    assert _bad_weeks(student(windows="Thu 10:00-11:00"), t)[0] == "2027-03-29"
    assert _feasible(student(windows="Thu 09:00-11:00"), t)


def test_australian_autumn_change_in_the_korean_spring():
    t = tutor(windows="Thu 11:00-12:00", timezone="Australia/Sydney")  # 09:00 KST, then 10:00
    assert _bad_weeks(student(windows="Thu 09:00-10:00"), t)[0] == "2027-04-05"
    assert _feasible(student(windows="Thu 09:00-11:00"), t)


def test_two_changes_in_one_semester_break_only_the_weeks_between():
    # London student and New York tutor: 5 hours apart, except 4 between 14 and 28 March.
    s = student(windows="Wed 12:00-13:00", timezone="Europe/London")
    t = tutor(windows="Wed 07:00-08:00", timezone="America/New_York")
    assert _bad_weeks(s, t) == ("2027-03-15", "2027-03-22")
    explanation = explain_pair(problem([s], [t]), "s1", "t1")
    assert "America/New_York changes clocks on 2027-03-14" in explanation.clock_changes
    assert "Europe/London changes clocks on 2027-03-28" in explanation.clock_changes


def test_window_crossing_midnight():
    s = student(windows="Fri 23:00-01:00")
    assert _feasible(s, tutor(windows="Sat 00:00-01:00"))
    assert _feasible(s, tutor(windows="Fri 15:00-17:00", timezone="Europe/Berlin"))
    assert not _feasible(s, tutor(windows="Sat 01:00-02:00"))


def test_session_may_cross_the_monday_boundary_of_the_seoul_week():
    s = student(windows="Sun 23:30-00:30")
    t = tutor(windows="Sun 14:30-15:30", timezone="Europe/London")  # GMT+0 → KST 23:30-00:30
    assert _feasible(s, t, first=date(2027, 1, 4), last=date(2027, 3, 20))
    # Once London is on summer time the tutor's hour is 22:30-23:30 KST: only 0 min in common.
    assert not _feasible(s, t)


def test_kathmandu_quarter_hour_offset_gives_45_minutes():
    s = student(windows="Mon 18:00-19:00")
    t = tutor(windows="Mon 15:00-16:00", timezone="Asia/Kathmandu")  # 18:15-19:15 KST
    assert not _feasible(s, t)
    assert _feasible(s, t, session_minutes=45)
    assert not _feasible(s, t, session_minutes=46)


def test_eucla_and_kolkata_offsets_are_exact():
    t = tutor(windows="Mon 09:30-10:30", timezone="Australia/Eucla")  # +8:45 → 09:45-10:45 KST
    assert _feasible(student(windows="Mon 09:30-11:00"), t)
    assert not _feasible(student(windows="Mon 10:00-11:00"), t)
    k = tutor(windows="Mon 15:00-16:30", timezone="Asia/Kolkata")  # +5:30 → 18:30-20:00 KST
    assert _feasible(student(windows="Mon 19:00-20:00"), k)
    assert not _feasible(student(windows="Mon 19:00-20:00"), k, session_minutes=61)


def test_window_spanning_the_changeover_night_is_the_real_time_between_its_ends():
    # Sat 23:00 → Sun 04:00 in New York is 5 hours, but only 4 on the night of 13/14 March.
    s = student(windows="Sun 12:00-18:00")
    t = tutor(windows="Sat 23:00-04:00", timezone="America/New_York")
    assert _feasible(s, t, session_minutes=240)
    bad = _bad_weeks(s, t, session_minutes=300)
    assert bad[0] == "2027-03-08"  # Seoul week holding the changeover night


def test_exactly_the_session_length_in_common_is_enough():
    s = student(windows="Tue 19:00-20:00")
    t = tutor(windows="Tue 18:30-20:00")
    assert _feasible(s, t, session_minutes=60)
    assert not _feasible(s, t, session_minutes=61)
    assert not _feasible(student(windows="Tue 19:00-20:00"), tutor(windows="Tue 19:30-21:00"))


def test_rematching_from_a_mid_semester_week_ignores_earlier_weeks():
    s = student(windows="Thu 08:00-09:00")
    t = tutor(windows="Wed 19:00-20:00", timezone="America/New_York")
    assert not _feasible(s, t)
    assert _feasible(s, t, first_week=date(2027, 3, 17))


def test_feasible_counts_apply_time_gender_and_exclusions():
    students = [
        student("s1", gender_preference="female"),
        student("s2"),
        student("s3", windows="Sat 10:00-11:00"),
    ]
    tutors = [
        tutor("t1", gender="female"),
        tutor("t2", gender="male"),
        tutor("t3", gender="female"),
    ]
    counts = feasible_counts(problem(students, tutors, excluded=frozenset({("s2", "t3")})))
    assert counts == {"s1": 2, "s2": 2, "s3": 0}
