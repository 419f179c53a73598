"""Plans as coordinators see them: locks, exclusions, capacity, preferences, re-runs, output."""

import random
from dataclasses import replace
from datetime import date

from matcher.matching import (
    format_periods,
    parse_windows,
    propose_matches,
    windows_by_period,
)

from .builders import SPRING_FIRST, SPRING_LAST, problem, student, tutor


def _pairs(plan):
    return {(p.student_id, p.tutor_id) for p in plan.pairs}


def test_locked_pair_is_kept_and_uses_the_tutors_capacity():
    s1 = student("s1", goals=frozenset({"speech"}))
    s2 = student("s2")
    t1 = tutor("t1")  # the better tutor for s2 (shared goal)
    t2 = tutor("t2", goals=frozenset({"speech"}))
    plan = propose_matches(problem([s1, s2], [t1, t2], locked=frozenset({("s2", "t2")})))
    assert ("s2", "t2") in _pairs(plan)
    assert next(p for p in plan.pairs if p.student_id == "s2").locked
    assert _pairs(plan) == {("s1", "t1"), ("s2", "t2")}


def test_locked_pair_is_kept_even_when_time_no_longer_fits():
    s = student("s1", windows="Sat 10:00-11:00")
    plan = propose_matches(problem([s], [tutor("t1")], locked=frozenset({("s1", "t1")})))
    (pair,) = plan.pairs
    assert pair.locked and not pair.feasible


def test_excluded_pair_is_never_proposed():
    plan = propose_matches(
        problem([student("s1")], [tutor("t1")], excluded=frozenset({("s1", "t1")}))
    )
    assert not plan.pairs
    (u,) = [u for u in plan.unmatched if u.role == "student"]
    assert u.reason == "only_excluded_or_preference"


def test_capacity_is_respected_and_used():
    students = [student(f"s{k}") for k in range(4)]
    plan = propose_matches(problem(students, [tutor("t1", capacity=3)]))
    assert len(plan.pairs) == 3
    plan = propose_matches(problem(students, [tutor("t1", capacity=2), tutor("t2")]))
    assert len(plan.pairs) == 3
    assert sum(p.tutor_id == "t1" for p in plan.pairs) == 2


def test_gender_preference_is_met():
    s = student("s1", gender_preference="female")
    plan = propose_matches(
        problem([s], [tutor("t1", gender="male"), tutor("t2", gender=None)], excluded=frozenset())
    )
    assert not plan.pairs
    plan = propose_matches(problem([s], [tutor("t1", gender="male"), tutor("t2", gender="female")]))
    assert _pairs(plan) == {("s1", "t2")}


def test_mutual_continue_with_wins_and_one_sided_does_not_score():
    s = student("s1", continue_with="t2")
    t1 = tutor("t1", korean="fluent")
    t2 = tutor("t2", continue_with="s1")
    plan = propose_matches(problem([s], [t1, t2]))
    assert _pairs(plan) == {("s1", "t2")}
    assert plan.pairs[0].breakdown["continue_pair"] > 0
    one_sided = propose_matches(problem([s], [replace(t2, continue_with=None)]))
    assert one_sided.pairs[0].breakdown["continue_pair"] == 0


def test_same_input_in_any_order_gives_the_same_plan():
    rng = random.Random(3)
    slots = ["Mon 19:00-20:00", "Tue 19:00-21:00", "Sat 10:00-12:00"]
    students = [
        student(f"s{k}", rng.choice(slots), goals=frozenset(rng.sample(["grammar", "speech"], 1)))
        for k in range(12)
    ]
    tutors = [
        tutor(f"t{k}", rng.choice(slots), goals=frozenset(rng.sample(["grammar", "speech"], 1)))
        for k in range(9)
    ]
    first = propose_matches(problem(students, tutors))
    assert propose_matches(problem(students, tutors)).pairs == first.pairs
    rng.shuffle(students)
    rng.shuffle(tutors)
    assert propose_matches(problem(students, tutors)).pairs == first.pairs


def test_rerun_keeps_previous_pairs_over_quality_and_reports_the_difference():
    s1 = student("s1", goals=frozenset({"speech"}))
    s2 = student("s2", windows="Sat 10:00-11:00")
    s3 = student("s3", windows="Sun 10:00-11:00")
    t1 = tutor("t1")  # shares no goal with s1
    t2 = tutor("t2", goals=frozenset({"speech"}))  # the better tutor for s1 on quality
    t3 = tutor("t3", windows="Sun 10:00-11:00")
    previous = (("s1", "t1"), ("s2", "t3"), ("s9", "t2"))  # s9 has withdrawn
    plan = propose_matches(problem([s1, s2, s3], [t1, t2, t3], previous=previous))
    assert ("s1", "t1") in _pairs(plan)
    assert plan.statistics.previous_kept == 1
    diff = plan.diff
    assert diff.kept == (("s1", "t1"),)
    assert diff.new == (("s3", "t3"),)
    assert set(diff.dropped) == {("s2", "t3"), ("s9", "t2")}
    assert diff.changed == ()
    # Without the previous plan, quality alone picks t2 for s1.
    fresh = propose_matches(problem([s1, s2, s3], [t1, t2, t3]))
    assert ("s1", "t2") in _pairs(fresh) and fresh.diff is None


def test_rerun_diff_reports_a_changed_tutor():
    s1, s2 = student("s1"), student("s2", windows="Thu 09:00-10:00; Fri 09:00-10:00")
    t1, t2 = tutor("t1"), tutor("t2", windows="Fri 09:00-10:00")
    # s1 now only fits t1, which s2 had: s2 moves to t2 so that both are matched.
    plan = propose_matches(problem([s1, s2], [t1, t2], previous=(("s2", "t1"),)))
    assert plan.diff.changed == (("s2", "t1", "t2"),)
    assert plan.statistics.matched == 2


def test_pair_windows_are_written_in_seoul_and_both_local_times_with_change_dates():
    s = student("s1", windows="Thu 08:00-10:00")
    t = tutor("t1", windows="Wed 19:00-20:00", timezone="America/New_York")
    (pair,) = propose_matches(problem([s], [t])).pairs
    # The US changes clocks on Sunday 14 March; the first Thursday at 08:00 is 18 March.
    assert pair.windows_seoul == "Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00"
    assert pair.windows_student_local == pair.windows_seoul
    assert pair.windows_tutor_local == "Wed 19:00-20:00"


def test_windows_by_period_and_format_periods_follow_outputs_contract():
    periods = windows_by_period(
        parse_windows("Wed 19:00-20:00"), "America/New_York", SPRING_FIRST, SPRING_LAST
    )
    assert periods[0][0] == date(2027, 3, 1)
    assert format_periods(periods) == "Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00"
    steady = windows_by_period(
        parse_windows("Mon 19:00-21:00"), "Asia/Seoul", SPRING_FIRST, SPRING_LAST
    )
    assert format_periods(steady) == "Mon 19:00-21:00"


def test_statistics_count_the_plan():
    students = [student("s1"), student("s2"), student("s3", windows="Sat 10:00-11:00")]
    plan = propose_matches(problem(students, [tutor("t1", capacity=2)]))
    st = plan.statistics
    assert (st.students, st.tutors, st.tutor_slots) == (3, 1, 2)
    assert st.matched == st.max_possible == 2
    assert st.feasible_pairs == 2
    assert st.total_quality == sum(p.score for p in plan.pairs)
    assert st.weeks == 16
