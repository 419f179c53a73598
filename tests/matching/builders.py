"""Builders for matching tests (plain functions, no fixtures)."""

from datetime import date

from matcher.matching import MatchingProblem, Person, parse_windows

SPRING_FIRST, SPRING_LAST = date(2027, 3, 2), date(2027, 6, 19)
FALL_FIRST, FALL_LAST = date(2027, 9, 1), date(2027, 12, 18)


def student(pid="s1", windows="Thu 09:00-10:00", timezone="Asia/Seoul", **overrides) -> Person:
    fields = {
        "goals": frozenset({"conversation"}),
        "levels": frozenset({"intermediate"}),
    } | overrides
    return Person(pid, role="student", timezone=timezone, windows=parse_windows(windows), **fields)


def tutor(pid="t1", windows="Thu 09:00-10:00", timezone="Asia/Seoul", **overrides) -> Person:
    fields = {
        "goals": frozenset({"conversation"}),
        "levels": frozenset({"beginner", "intermediate", "advanced"}),
    } | overrides
    return Person(pid, role="tutor", timezone=timezone, windows=parse_windows(windows), **fields)


def problem(students, tutors, first=SPRING_FIRST, last=SPRING_LAST, **overrides):
    return MatchingProblem(tuple(students), tuple(tutors), first, last, **overrides)
