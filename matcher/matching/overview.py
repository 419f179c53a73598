"""Dashboard numbers: how many tutors pass every pair rule for each student."""

from __future__ import annotations

from matcher.matching.context import prepare
from matcher.matching.people import MatchingProblem


def feasible_counts(problem: MatchingProblem) -> dict[str, int]:
    """For each student id: tutors passing every pair rule (time in every week, gender
    preference, exclusions). Capacity is not a pair rule, so it is not counted here."""
    ctx = prepare(problem)
    counts = ctx.feasible.sum(axis=1)
    return {s.id: int(n) for s, n in zip(ctx.students, counts, strict=True)}
