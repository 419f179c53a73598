"""Pair quality (contract objective 3): each criterion as an array over many pairs at once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.matching.people import Person, Weights

CRITERIA = (
    "shared_goals",
    "level_fit",
    "korean_help",
    "in_person",
    "continue_pair",
    "common_time",
)
SCORE_SCALE = 100  # scores are whole hundredths, so the solver optimises the scores shown
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def _bits(sets: Sequence[frozenset[str]], names: dict[str, int]) -> np.ndarray:
    out = np.zeros(len(sets), dtype=np.int64)
    for i, values in enumerate(sets):
        for v in values:
            out[i] |= 1 << names[v]
    return out


def _popcount(x: np.ndarray) -> np.ndarray:
    total = np.zeros(x.shape, dtype=np.int64)
    for shift in range(0, 64, 8):
        total += _POPCOUNT[(x >> shift) & 0xFF]
    return total


def criterion_values(
    students: Sequence[Person],
    tutors: Sequence[Person],
    si: np.ndarray,
    ti: np.ndarray,
    common_minutes: np.ndarray,
    session_minutes: int,
    weights: Weights,
) -> dict[str, np.ndarray]:
    """Each criterion's value in [0, 1] for the pairs (students[si], tutors[ti]).

    ``common_minutes`` is the pair's common free time in its tightest week; what exceeds one
    session is the common time beyond the session length.
    """
    goal_names = sorted({g for p in (*students, *tutors) for g in p.goals})
    level_names = sorted({lv for p in (*students, *tutors) for lv in p.levels})
    if len(goal_names) > 63 or len(level_names) > 63:
        raise ValueError("too many distinct goals or levels (63 at most)")
    gpos = {g: i for i, g in enumerate(goal_names)}
    lpos = {lv: i for i, lv in enumerate(level_names)}
    s_goals = _bits([s.goals for s in students], gpos)[si]
    t_goals = _bits([t.goals for t in tutors], gpos)[ti]
    s_level = _bits([s.levels for s in students], lpos)[si]
    t_level = _bits([t.levels for t in tutors], lpos)[ti]
    s_beginner = np.array(["beginner" in s.levels for s in students], dtype=bool)[si]
    t_korean = np.array([t.korean in ("basic", "fluent") for t in tutors], dtype=bool)[ti]
    s_in = np.array([s.in_person for s in students], dtype=bool)[si]
    t_in = np.array([t.in_person for t in tutors], dtype=bool)[ti]
    t_index = {t.id: j for j, t in enumerate(tutors)}
    s_index = {s.id: i for i, s in enumerate(students)}
    # The partner each side asked to continue with, as an index (-1: none or not here).
    s_wants = np.array([t_index.get(s.continue_with or "", -1) for s in students])[si]
    t_wants = np.array([s_index.get(t.continue_with or "", -1) for t in tutors])[ti]
    cap = max(1, weights.common_time_cap_minutes)
    extra = np.clip(np.asarray(common_minutes, dtype=np.int64) - session_minutes, 0, cap)
    return {
        "shared_goals": _popcount(s_goals & t_goals) / np.maximum(1, _popcount(s_goals)),
        "level_fit": ((s_level & t_level) != 0).astype(float),
        "korean_help": (s_beginner & t_korean).astype(float),
        "in_person": (s_in & t_in).astype(float),
        "continue_pair": ((s_wants == ti) & (t_wants == si)).astype(float),
        "common_time": extra / cap,
    }


def score_points(values: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted sum in whole hundredths (int64), the unit the solver maximises."""
    total = sum(getattr(weights, name) * values[name] for name in CRITERIA)
    points: np.ndarray = np.rint(np.asarray(total) * SCORE_SCALE).astype(np.int64)
    return points


def breakdown(values: dict[str, np.ndarray], weights: Weights, k: int) -> dict[str, float]:
    """Pair ``k``'s weighted contribution per criterion, rounded to hundredths."""
    return {name: round(float(getattr(weights, name) * values[name][k]), 2) for name in CRITERIA}


def shared_goals(student: Person, tutor: Person) -> tuple[str, ...]:
    return tuple(sorted(student.goals & tutor.goals))
