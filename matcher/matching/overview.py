"""Dashboard numbers: feasible tutors per student, and a Seoul-time weekly heat map."""

from __future__ import annotations

import numpy as np

from matcher.matching.context import prepare, problem_calendar
from matcher.matching.people import MatchingProblem
from matcher.matching.slots import free_cells


def feasible_counts(problem: MatchingProblem) -> dict[str, int]:
    """For each student id: tutors passing every pair rule (time in every week, gender
    preference, exclusions). Capacity is not a pair rule, so it is not counted here."""
    ctx = prepare(problem)
    counts = ctx.feasible.sum(axis=1)
    return {s.id: int(n) for s, n in zip(ctx.students, counts, strict=True)}


def seoul_heatmap(problem: MatchingProblem) -> dict[str, list[int]]:
    """Per hour of the first week in Seoul time (168 entries, Monday 00:00 first): how many
    students and how many tutors are free for that whole hour."""
    cal = problem_calendar(problem)
    per_hour = 60 // cal.step
    out = {}
    for role, people in (("students", problem.students), ("tutors", problem.tutors)):
        total = np.zeros(168, dtype=np.int64)
        by_zone: dict[str, list] = {}
        for p in people:
            by_zone.setdefault(p.timezone, []).append(p.windows)
        for zone, keys in by_zone.items():
            free = free_cells(cal, zone, keys)[:, : cal.cells_per_week]
            total += free.reshape(len(keys), 168, per_hour).all(axis=2).sum(axis=0)
        out[role] = total.tolist()
    return out
