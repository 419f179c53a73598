"""Every explanation kind: why a pair, why not a pair, why unmatched, what would help, top-k."""

from dataclasses import replace

import pytest

from matcher.matching import REASONS, explain_pair, propose_matches, top_alternatives
from matcher.matching.explain import NARROWER

from .builders import problem, student, tutor


def test_feasible_pair_explains_its_score_goals_and_windows():
    s = student("s1", goals=frozenset({"speech", "grammar"}), levels=frozenset({"beginner"}))
    t = tutor("t1", windows="Thu 08:00-11:00", goals=frozenset({"speech"}), korean="basic")
    why = explain_pair(problem([s], [t]), "s1", "t1")
    assert why.feasible and why.problems == ()
    assert why.shared_goals == ("speech",)
    assert why.breakdown["shared_goals"] == 1.5  # half the student's goals, weight 3
    assert why.breakdown["korean_help"] == 2.0
    assert why.breakdown["common_time"] == 0.0  # exactly one session in common
    assert why.score == pytest.approx(sum(why.breakdown.values()))
    assert why.windows_seoul == "Thu 09:00-10:00"


def test_why_not_names_gender_preference_exclusion_and_time():
    s = student("s1", gender_preference="female")
    t = tutor("t1", windows="Sat 10:00-11:00", gender="male")
    why = explain_pair(problem([s], [t], excluded=frozenset({("s1", "t1")})), "s1", "t1")
    assert not why.feasible
    text = " ".join(why.problems)
    assert "asked for a female tutor" in text and "male" in text
    assert "A coordinator excluded this pair." in why.problems
    assert "never share a full 60-minute session" in text
    assert len(why.weeks_without_time) == 16


def test_why_not_names_the_clock_change_and_the_weeks():
    s = student("s1", windows="Thu 09:00-10:00")
    t = tutor("t1", windows="Wed 19:00-20:00", timezone="America/New_York")
    why = explain_pair(problem([s], [t]), "s1", "t1")
    assert "America/New_York changes clocks on 2027-03-14" in why.problems[0]
    assert "14 of 16 weeks" in why.problems[0]


def test_unmatched_students_get_a_reason_from_the_fixed_list():
    students = [
        student("s1", windows="Sat 10:00-11:00"),  # nobody is free then
        student("s2", gender_preference="male"),  # the only tutor in time is female
        student("s3"),
        student("s4"),
    ]
    tutors = [tutor("t1", gender="female"), tutor("t2", windows="Sun 03:00-04:00")]
    plan = propose_matches(problem(students, tutors))
    reasons = {u.person_id: u.reason for u in plan.unmatched}
    assert reasons["s1"] == "no_common_time"
    assert reasons["s2"] == "only_excluded_or_preference"
    assert sorted(reasons[s] for s in ("s3", "s4") if s in reasons) == ["needed_elsewhere"]
    assert reasons["t2"] == "no_common_time"
    texts = {u.person_id: u.text for u in plan.unmatched}
    for u in plan.unmatched:
        if u.person_id != "s2":
            assert u.text == REASONS[u.role, u.reason]
    # Only the gender preference is at work (nobody excluded anything): no coordinator talk.
    assert texts["s2"] == NARROWER["student", "preference"]
    assert "coordinator" not in texts["s2"]
    counts = {u.person_id: u.feasible_count for u in plan.unmatched}
    assert counts["s1"] == 0 and counts["s2"] == 0


def test_the_reason_names_exclusions_only_when_a_coordinator_made_one():
    s = student("s1", gender_preference="male")
    tutors = [tutor("t1", gender="male"), tutor("t2", gender="female")]
    plan = propose_matches(replace(problem([s], tutors), excluded=frozenset({("s1", "t1")})))
    [why] = [u for u in plan.unmatched if u.person_id == "s1"]
    assert why.text == REASONS["student", "only_excluded_or_preference"]  # both rules at work
    plan = propose_matches(replace(problem([s], tutors[:1]), excluded=frozenset({("s1", "t1")})))
    [why] = [u for u in plan.unmatched if u.person_id == "s1"]
    assert why.text == NARROWER["student", "excluded"]


def test_unmatched_tutor_reasons():
    students = [student("s1", gender_preference="female"), student("s2")]
    tutors = [tutor("t1", gender="male"), tutor("t2", gender="female"), tutor("t3")]
    plan = propose_matches(problem([students[0]], tutors))
    reasons = {u.person_id: u.reason for u in plan.unmatched if u.role == "tutor"}
    assert reasons == {"t1": "only_excluded_or_preference", "t3": "only_excluded_or_preference"}
    plan = propose_matches(problem([students[1]], [tutor("t1"), tutor("t2")]))
    reasons = {u.person_id: u.reason for u in plan.unmatched if u.role == "tutor"}
    assert list(reasons.values()) == ["needed_elsewhere"]


def test_unmatched_student_lost_to_a_clock_change_is_told_which_change():
    s = student("s1", windows="Thu 09:00-10:00")
    t = tutor("t1", windows="Wed 19:00-20:00", timezone="America/New_York")
    (u,) = [u for u in propose_matches(problem([s], [t])).unmatched if u.role == "student"]
    assert u.reason == "no_common_time"
    assert "America/New_York changes clocks on 2027-03-14" in u.detail
    assert "2027-03-15" in u.detail


def test_what_would_help_counts_45_minute_sessions_and_finds_the_best_extra_hour():
    s = student("s1", windows="Mon 18:00-19:00")
    kathmandu = tutor("t1", windows="Mon 15:00-16:00", timezone="Asia/Kathmandu")  # 45 min
    saturday = [tutor(f"t{k}", windows="Sat 10:00-12:00") for k in (2, 3)]
    sunday = tutor("t4", windows="Sun 10:00-11:00")
    (u,) = [
        u
        for u in propose_matches(problem([s], [kathmandu, *saturday, sunday])).unmatched
        if u.role == "student"
    ]
    assert u.help.tutors_with_45_minutes == 1
    assert u.help.extra_hour_seoul == "Sat 10:00-11:00"  # opens two tutors; Sunday opens one
    assert u.help.tutors_opened_by_extra_hour == 2


def test_top_alternatives_are_feasible_tutors_best_first_ties_by_id():
    s = student("s1", goals=frozenset({"speech"}))
    tutors = [
        tutor("t3", goals=frozenset({"speech"})),
        tutor("t1"),
        tutor("t2", goals=frozenset({"speech"})),
        tutor("t4", windows="Sat 10:00-11:00", goals=frozenset({"speech"})),
    ]
    alternatives = top_alternatives(problem([s], tutors), "s1", k=2)
    assert [a.tutor_id for a in alternatives] == ["t2", "t3"]
    everyone = top_alternatives(problem([s], tutors), "s1", k=10)
    assert [a.tutor_id for a in everyone] == ["t2", "t3", "t1"]
    assert everyone[0].score > everyone[2].score
    assert everyone[0].windows_seoul == "Thu 09:00-10:00"


def test_unknown_ids_are_refused_clearly():
    p = problem([student("s1")], [tutor("t1")])
    with pytest.raises(KeyError, match="s9"):
        explain_pair(p, "s9", "t1")
    with pytest.raises(KeyError, match="t9"):
        explain_pair(p, "s1", "t9")
