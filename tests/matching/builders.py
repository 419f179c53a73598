"""Builders for matching tests (plain functions, no fixtures) and the Hypothesis profiles."""

import os
from datetime import date

from hypothesis import HealthCheck, settings

from matcher.matching import MatchingProblem, Person, parse_windows

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SPRING_FIRST, SPRING_LAST = date(2027, 3, 2), date(2027, 6, 19)
FALL_FIRST, FALL_LAST = date(2027, 9, 1), date(2027, 12, 18)


def student(pid="s1", windows="Thu 09:00-10:00", timezone="Asia/Seoul", **overrides) -> Person:
    fields = {
        "goals": frozenset({"conversation"}),
        "levels": frozenset({"intermediate"}),
    } | overrides
    return Person(pid, "student", timezone, parse_windows(windows), **fields)


def tutor(pid="t1", windows="Thu 09:00-10:00", timezone="Asia/Seoul", **overrides) -> Person:
    fields = {
        "goals": frozenset({"conversation"}),
        "levels": frozenset({"beginner", "intermediate", "advanced"}),
    } | overrides
    return Person(pid, "tutor", timezone, parse_windows(windows), **fields)


def problem(students, tutors, first=SPRING_FIRST, last=SPRING_LAST, **overrides):
    return MatchingProblem(tuple(students), tuple(tutors), first, last, **overrides)
