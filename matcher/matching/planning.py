"""propose_matches: checks, locks, feasibility, the lexicographic solve, and the report."""

from __future__ import annotations

import time

import numpy as np

from matcher.matching.context import Context, prepare
from matcher.matching.explain import pair_windows, unmatched_people
from matcher.matching.help import add_help
from matcher.matching.people import MatchedPair, MatchingProblem, Plan, Statistics
from matcher.matching.rerun import plan_diff
from matcher.matching.scoring import (
    SCORE_SCALE,
    breakdown,
    score_points,
    shared_goals,
)
from matcher.matching.solver import Tiers, solve


def _locks(ctx: Context) -> list[tuple[int, int]]:
    """Locked pairs as indices; a lock naming someone not in the problem is an error."""
    out, seen = [], set()
    used = np.zeros(len(ctx.tutors), dtype=np.int64)
    for sid, tid in sorted(ctx.problem.locked):
        i, j = ctx.student_index(sid), ctx.tutor_index(tid)
        if i in seen:
            raise ValueError(f"student {sid} is locked to two tutors")
        seen.add(i)
        used[j] += 1
        if used[j] > ctx.tutors[j].capacity:
            raise ValueError(f"tutor {tid} has more locked students than capacity")
        out.append((i, j))
    return out


def solve_context(
    ctx: Context, method: str = "auto"
) -> tuple[list[tuple[int, int]], str, int, Tiers]:
    """Solve the unlocked part; returns (all pairs as indices, solver name, max possible)."""
    locks = _locks(ctx)
    locked_students = {i for i, _ in locks}
    capacity = np.array([t.capacity for t in ctx.tutors], dtype=np.int64)
    for _, j in locks:
        capacity[j] -= 1
    free_rows = np.array(
        [i for i in range(len(ctx.students)) if i not in locked_students], dtype=np.int64
    )
    feasible = ctx.feasible
    if len(free_rows):
        sub = feasible[free_rows]
        sub &= (capacity > 0)[None, :]
        r, c = (x.astype(np.int32) for x in np.nonzero(sub))
        del sub
    else:
        r = c = np.zeros(0, dtype=np.int64)
    si = free_rows[r] if len(r) else r
    quality = ctx.points(si, c)
    previous = set(ctx.problem.previous or ())
    codes = [
        ctx.student_pos[s] * len(ctx.tutors) + ctx.tutor_pos[t]
        for s, t in previous
        if s in ctx.student_pos and t in ctx.tutor_pos
    ]
    kept = np.isin(si * len(ctx.tutors) + c, np.array(codes, dtype=np.int64))
    solved, name, best, t = solve(len(free_rows), capacity, r, c, quality, kept, method)
    pairs = locks + [(int(free_rows[a]), b) for a, b in solved]
    return sorted(pairs), name, best + len(locks), t


def propose_matches(problem: MatchingProblem, method: str = "auto", explain: bool = True) -> Plan:
    """Propose a plan: the most students matched, then most previous pairs kept, then the
    highest total quality, ties broken by id (see :mod:`matcher.matching.solver`).

    ``method`` forces "dense" or "sparse" (tests use this to compare both); ``explain=False``
    skips the "what would help" analysis of unmatched students.
    """
    clock = time.perf_counter()
    timings: dict[str, float] = {}
    ctx = prepare(problem)
    timings["feasibility"] = time.perf_counter() - clock
    clock = time.perf_counter()
    pairs, name, best, t = solve_context(ctx, method)
    timings["solve"] = time.perf_counter() - clock
    clock = time.perf_counter()
    si = np.array([i for i, _ in pairs], dtype=np.int64)
    ti = np.array([j for _, j in pairs], dtype=np.int64)
    values = ctx.values(si, ti)
    points = score_points(values, problem.weights)
    locked = problem.locked
    out = []
    for k, (i, j) in enumerate(pairs):
        s, tu = ctx.students[i], ctx.tutors[j]
        seoul, s_local, t_local = pair_windows(ctx, i, j)
        out.append(
            MatchedPair(
                s.id,
                tu.id,
                int(points[k]) / SCORE_SCALE,
                breakdown(values, problem.weights, k),
                shared_goals(s, tu),
                seoul,
                s_local,
                t_local,
                locked=(s.id, tu.id) in locked,
                feasible=bool(ctx.feasible[i, j]),
            )
        )
    unmatched = unmatched_people(ctx, {i for i, _ in pairs}, {j for _, j in pairs})
    timings["report"] = time.perf_counter() - clock
    if explain:
        clock = time.perf_counter()
        unmatched = add_help(ctx, unmatched)
        timings["help"] = time.perf_counter() - clock
    ids = [(p.student_id, p.tutor_id) for p in out]
    previous = problem.previous
    stats = Statistics(
        students=len(ctx.students),
        tutors=len(ctx.tutors),
        tutor_slots=sum(tu.capacity for tu in ctx.tutors),
        weeks=ctx.cal.weeks,
        feasible_pairs=int(ctx.feasible.sum()),
        matched=len(out),
        max_possible=best,
        locked=sum(p.locked for p in out),
        previous_kept=len(set(ids) & set(previous or ())),
        total_quality=int(points.sum()) / SCORE_SCALE,
        solver=name if t.divisor == 1 else f"{name} (quality resolution /{t.divisor})",
        timings=timings,
    )
    diff = plan_diff(previous, ids) if previous is not None else None
    return Plan(tuple(out), tuple(unmatched), stats, diff)
