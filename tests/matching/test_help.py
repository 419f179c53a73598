"""What would help: the vectorised analysis against a slow, tutor-by-tutor, hour-by-hour oracle."""

import dataclasses
from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.matching import (
    MatchingProblem,
    WeeklyWindow,
    format_windows,
    merge_windows,
    propose_matches,
)
from matcher.matching.context import prepare, problem_calendar
from matcher.matching.help import add_help
from matcher.matching.people import Unmatched
from matcher.matching.slots import free_cells, valid_starts

from .builders import problem, student, tutor

ZONES = [
    "Asia/Seoul",
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Pacific/Auckland",
]
# Short spans keep the oracle quick; each crosses at least one clock change.
SPANS = [
    (date(2027, 3, 8), date(2027, 4, 10)),  # US 14 Mar, EU 28 Mar, Australia/NZ 4 Apr
    (date(2027, 9, 20), date(2027, 11, 13)),  # NZ, Australia, EU, US changes
    (date(2027, 10, 25), date(2027, 11, 14)),  # EU 31 Oct and US 7 Nov
]


def _windows(draw, quarter: bool) -> tuple[WeeklyWindow, ...]:
    step = 15 if quarter else 30
    out = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 7 * 24 * 60 // step - 1)) * step
        out.append(WeeklyWindow(start, draw(st.integers(2, 10)) * step))
    return merge_windows(out)


def _with(person, windows: tuple[WeeklyWindow, ...]):
    return dataclasses.replace(person, windows=windows)


@st.composite
def instances(draw):
    quarter = draw(st.booleans())
    students = [
        _with(
            student(
                f"s{k}",
                timezone=draw(st.sampled_from(["Asia/Seoul", "Asia/Seoul", *ZONES])),
                gender_preference=draw(st.sampled_from([None, None, "female"])),
            ),
            _windows(draw, quarter),
        )
        for k in range(draw(st.integers(1, 4)))
    ]
    tutors = [
        _with(
            tutor(
                f"t{k}",
                timezone=draw(st.sampled_from(ZONES)),
                gender=draw(st.sampled_from(["female", "male"])),
            ),
            _windows(draw, quarter),
        )
        for k in range(draw(st.integers(1, 6)))
    ]
    excluded = frozenset(
        (s.id, t.id) for s in students for t in tutors if draw(st.integers(0, 5)) == 0
    )
    first, last = draw(st.sampled_from(SPANS))
    session = draw(st.sampled_from([60, 60, 45, 90, 30]))  # 30: the 45-minute grid is new
    return problem(students, tutors, first, last, excluded=excluded, session_minutes=session)


def _fits(cal, free_s: np.ndarray, free_t: np.ndarray) -> np.ndarray:
    """Per row: a common session start in every week (rows of free masks, paired)."""
    starts = valid_starts(free_s & free_t, cal).reshape(len(free_s), cal.weeks, -1)
    return starts.any(axis=2).all(axis=1)


def _oracle(prob: MatchingProblem, sid: str):
    """(tutors with 45 minutes, best extra Seoul hour or None, tutors it opens), slowly."""
    s = next(p for p in prob.students if p.id == sid)
    tutors = sorted(prob.tutors, key=lambda p: p.id)
    allowed = np.array(
        [
            (not s.gender_preference or t.gender == s.gender_preference)
            and (s.id, t.id) not in prob.excluded
            for t in tutors
        ]
    )

    def masks(cal):
        own = free_cells(cal, s.timezone, [s.windows])
        return own, np.concatenate([free_cells(cal, t.timezone, [t.windows]) for t in tutors])

    short_cal = problem_calendar(prob, 45)
    own, theirs = masks(short_cal)
    short = int((_fits(short_cal, np.repeat(own, len(tutors), 0), theirs) & allowed).sum())
    cal = problem_calendar(prob)
    own, theirs = masks(cal)
    before = _fits(cal, np.repeat(own, len(tutors), 0), theirs) & allowed
    seoul_hour = (np.arange(cal.cells) * cal.step % (7 * 24 * 60)) // 60  # origin: Mon 00:00
    best, best_count = None, 0
    for h in range(168):
        variant = own | (seoul_hour == h)
        after = _fits(cal, np.repeat(variant, len(tutors), 0), theirs) & allowed
        count = int((after & ~before).sum())
        if count > best_count:
            best, best_count = format_windows([WeeklyWindow(h * 60, 60)]), count
    return short, best, best_count


def _help_for_everyone(prob: MatchingProblem) -> list[Unmatched]:
    ctx = prepare(prob)
    asked = [Unmatched(s.id, "student", "needed_elsewhere", "", 0) for s in ctx.students]
    return add_help(ctx, asked)


@given(instances())
def test_help_equals_a_slow_oracle_on_random_instances(prob):
    for u in _help_for_everyone(prob):
        short, hour, opened = _oracle(prob, u.person_id)
        assert u.help.tutors_with_45_minutes == short
        assert (u.help.extra_hour_seoul, u.help.tutors_opened_by_extra_hour) == (hour, opened)


def test_help_equals_the_oracle_over_a_whole_semester_with_kathmandu_and_dst():
    students = [
        student("s1", windows="Mon 19:00-20:30; Sat 09:00-11:00"),
        student("s2", windows="Sun 23:00-00:30"),  # across the Seoul week's Monday boundary
        student("s3", windows="Wed 08:00-09:00", timezone="America/New_York"),
    ]
    tutors = [
        tutor("t1", windows="Sun 18:00-20:00", timezone="America/New_York"),
        _with(tutor("t2", timezone="Asia/Kathmandu"), (WeeklyWindow(930, 75),)),  # Mon 15:30
        tutor("t3", windows="Sat 01:00-03:00", timezone="Europe/London"),
        tutor("t4", windows="Mon 01:00-02:00", timezone="Australia/Sydney"),
        _with(tutor("t5", timezone="America/Los_Angeles"), (WeeklyWindow(6 * 1440 + 600, 75),)),
    ]
    prob = problem(students, tutors)  # spring 2027: US, EU and Australian changes
    for u in _help_for_everyone(prob):
        assert (
            u.help.tutors_with_45_minutes,
            u.help.extra_hour_seoul,
            u.help.tutors_opened_by_extra_hour,
        ) == _oracle(prob, u.person_id)


def test_every_unmatched_student_gets_an_extra_hour_not_only_the_first_25():
    students = [student(f"s{k:02d}", windows="Mon 19:00-20:00") for k in range(40)]
    tutors = [tutor(f"t{k}", windows="Tue 19:00-20:00") for k in range(3)]
    plan = propose_matches(problem(students, tutors))
    unmatched = [u for u in plan.unmatched if u.role == "student"]
    assert len(unmatched) == 40
    for u in unmatched:
        assert u.help.extra_hour_seoul == "Tue 19:00-20:00"
        assert u.help.tutors_opened_by_extra_hour == 3


def test_extra_hour_ignores_tutors_the_preference_or_an_exclusion_rules_out():
    s = student("s1", windows="Mon 19:00-20:00", gender_preference="female")
    tutors = [
        tutor("t1", windows="Tue 19:00-20:00", gender="male"),
        tutor("t2", windows="Tue 19:00-20:00", gender="female"),
        tutor("t3", windows="Wed 19:00-20:00", gender="female"),
        tutor("t4", windows="Wed 19:00-20:00", gender="female"),
    ]
    prob = problem([s], tutors, excluded=frozenset({("s1", "t2")}))
    (u,) = [u for u in propose_matches(prob).unmatched if u.role == "student"]
    assert u.help.extra_hour_seoul == "Wed 19:00-20:00"
    assert u.help.tutors_opened_by_extra_hour == 2


def test_an_hour_that_fixes_only_the_weeks_after_a_clock_change_does_not_count():
    # New York Sun 06:00-07:00 is Seoul Sun 20:00 before 14 March and Sun 19:00 after it.
    s = student("s1", windows="Sun 19:00-20:00")
    t = tutor("t1", windows="Sun 06:00-07:00", timezone="America/New_York")
    prob = problem([s], [t], date(2027, 3, 1), date(2027, 4, 30))
    (u,) = _help_for_everyone(prob)
    assert u.help.extra_hour_seoul == "Sun 20:00-21:00"  # the weeks before the change
    assert u.help.tutors_opened_by_extra_hour == 1
    assert (u.help.extra_hour_seoul, u.help.tutors_opened_by_extra_hour) == _oracle(prob, "s1")[1:]


def test_the_monday_midnight_hour_opens_a_session_starting_late_on_sunday():
    # The tutor can only start Sun 23:30; the student is free Sun 23:30-24:00. Adding Mon
    # 00:00-01:00 (the next Seoul week's first hour) completes that session in every week,
    # the last one included (its Monday lies after the semester).
    s = student("s1", windows="Sun 23:30-24:00")
    t = tutor("t1", windows="Sun 23:30-00:30")
    prob = problem([s], [t])
    (u,) = [u for u in propose_matches(prob).unmatched if u.role == "student"]
    assert u.help.extra_hour_seoul == "Mon 00:00-01:00"
    assert u.help.tutors_opened_by_extra_hour == 1
    assert (u.help.extra_hour_seoul, u.help.tutors_opened_by_extra_hour) == _oracle(prob, "s1")[1:]
