"""Lexicographic maximum-weight assignment of students to tutor slots with scipy.

The contract orders the objectives: (1) the most students matched, (2) on a re-run the most
previous pairs kept, (3) the highest total quality, (4) deterministic ties.

**(1) by structure, not by a big weight.** Tutors with capacity c become c identical slots.
A Hopcroft–Karp maximum matching (``maximum_bipartite_matching``) gives the maximum size M.
From it, the Gallai–Edmonds decomposition splits the graph: let D be the students reachable
from an unmatched student by an alternating path (unmatched edge to a slot, matched edge back)
and A the slots so reached. Every student outside D is matched in *every* maximum matching,
and never to a slot in A (A is the whole neighbourhood of D and, in every maximum matching,
A is matched entirely into D). So the maximum matchings are exactly the unions of

* a matching of all of A into D (rows A, a *full* matching), and
* a matching of all students outside D into the slots outside A (again full on the rows),

whose sizes add up to M. Solving two full assignment problems therefore leaves only
objectives (2) and (3), and no student can be traded for quality: there is no weight to trade.

**(2) and (3) by one integer weight.** On each part we maximise Σ w with

    w(e) = P·kept(e) + q(e),   q ∈ {0, …, Q} (quality in hundredths),  P = m·Q + 1,

m the part's size: two matchings differ in Σ q by at most m·Q < P, so one more kept pair
always wins. All weights and sums are integers below m·(P + Q) (≈ 2·10^11 at 10,000 a side
with default weights), far inside float64's exact range (2^53 ≈ 9·10^15), so the float
solvers compare plans exactly. :func:`tiers` divides qualities by a power of ten only if huge
custom weights would break that bound, and the plan says so.

**Solvers.** Each part is a full rectangular assignment with costs (W + 1) − w ≥ 1:
``linear_sum_assignment`` on a dense matrix (missing edges = +inf) when small, else
``min_weight_full_bipartite_matching`` on the feasible edges only (it needs non-zero
weights, hence the +1). Both are exact, so they reach the same objective value.

**(4)** Callers sort students and tutors by id before building the arrays, and every step is
deterministic, so the same input gives the same plan whatever its order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import (
    breadth_first_order,
    maximum_bipartite_matching,
    min_weight_full_bipartite_matching,
)

EXACT_LIMIT = 2**53 // 4
DENSE_LIMIT = 2_000_000  # cells (rows × columns) up to which the dense solver is used


@dataclass(frozen=True)
class Tiers:
    """The weight of a kept previous pair and the quality resolution divisor of one solve."""

    keep: int  # P (0 without a previous plan)
    quality_max: int  # Q, after dividing qualities by ``divisor``
    divisor: int  # 1 unless the weights would not fit in float64's exact range


def tiers(m: int, quality_max: int, with_previous: bool) -> Tiers:
    """Choose P for at most ``m`` pairs with qualities in 0..quality_max (see module doc)."""
    m = max(1, m)
    divisor = 1
    while True:
        q = max(0, quality_max) // divisor
        keep = m * q + 1 if with_previous else 0
        if m * (keep + q + 1) < EXACT_LIMIT:
            return Tiers(keep, q, divisor)
        divisor *= 10


def expand_slots(
    capacity: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Repeat each tutor's edges once per slot: (rows, slot columns, edge index, slot owner)."""
    owner = np.repeat(np.arange(len(capacity)), capacity)
    first_slot = np.concatenate([[0], np.cumsum(capacity)[:-1]]).astype(np.int32)
    reps = capacity[cols]
    edge = np.repeat(np.arange(len(rows), dtype=np.int32), reps)
    offsets = np.arange(len(edge), dtype=np.int32)
    offsets -= np.repeat((np.cumsum(reps) - reps).astype(np.int32), reps)
    return rows[edge].astype(np.int32), first_slot[cols[edge]] + offsets, edge, owner


def _reached_from_unmatched(
    n_rows: int, slots: int, r: np.ndarray, c: np.ndarray, row_match: np.ndarray
) -> np.ndarray:
    """Nodes (rows first, then slots) reachable from unmatched rows by alternating paths."""
    slot_match = np.full(slots, -1, dtype=np.int64)
    matched = np.flatnonzero(row_match >= 0)
    slot_match[row_match[matched]] = matched
    source = n_rows + slots
    back = np.flatnonzero(slot_match >= 0)
    roots = np.flatnonzero(row_match < 0)
    tails = np.concatenate([r, n_rows + back, np.full(len(roots), source)])
    heads = np.concatenate([n_rows + c, slot_match[back], roots])
    graph = sp.csr_matrix(
        (np.ones(len(tails), dtype=np.int8), (tails, heads)), shape=(source + 1, source + 1)
    )
    order: np.ndarray = breadth_first_order(graph, source, directed=True, return_predecessors=False)
    reached: np.ndarray = order[order != source]
    return reached


def _full_assignment(
    n_rows: int, n_cols: int, r: np.ndarray, c: np.ndarray, cost: np.ndarray, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Min-cost assignment matching every row (one exists by construction)."""
    if method == "dense":
        matrix = np.full((n_rows, n_cols), np.inf)
        matrix[r, c] = cost
        return linear_sum_assignment(matrix)
    graph = sp.csr_matrix((cost, (r, c)), shape=(n_rows, n_cols))
    return min_weight_full_bipartite_matching(graph)


def solve(
    n_rows: int,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    quality: np.ndarray,
    kept: np.ndarray,
    method: str = "auto",
) -> tuple[list[tuple[int, int]], str, int, Tiers]:
    """Lexicographically best assignment of rows (students) to tutors with capacities.

    Returns (row, tutor) pairs sorted by row, the solver used, the maximum matching size and
    the tiers used.
    """
    slots = int(capacity.sum())
    t = tiers(min(n_rows, slots), int(quality.max()) if len(quality) else 0, bool(kept.any()))
    if n_rows == 0 or slots == 0 or len(rows) == 0:
        return [], "none", 0, t
    r, c, edge, owner = expand_slots(capacity, rows, cols)
    weight = t.keep * kept[edge].astype(np.int64) + quality[edge] // t.divisor
    cost = float(weight.max() + 1) - weight.astype(np.float64)
    del weight, edge
    graph = sp.csr_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n_rows, slots))
    row_match = maximum_bipartite_matching(graph, perm_type="column").astype(np.int64)
    del graph
    best = int((row_match >= 0).sum())
    reached = _reached_from_unmatched(n_rows, slots, r, c, row_match)
    in_d = np.zeros(n_rows, dtype=bool)
    in_a = np.zeros(slots, dtype=bool)
    in_d[reached[reached < n_rows]] = True
    in_a[reached[reached >= n_rows] - n_rows] = True
    pairs: list[tuple[int, int]] = []
    used = set()
    # Part 1: all of A (rows) into D; part 2: every student outside D into slots outside A.
    for part_rows_are_slots, row_set, col_set in ((True, in_a, in_d), (False, ~in_d, ~in_a)):
        row_ids, col_ids = np.flatnonzero(row_set), np.flatnonzero(col_set)
        if not len(row_ids):
            continue
        er, ec = (c, r) if part_rows_are_slots else (r, c)
        keep = row_set[er] & col_set[ec]
        row_pos = np.full(len(row_set), -1, dtype=np.int64)
        col_pos = np.full(len(col_set), -1, dtype=np.int64)
        row_pos[row_ids], col_pos[col_ids] = np.arange(len(row_ids)), np.arange(len(col_ids))
        chosen = method
        if chosen == "auto":
            chosen = "dense" if len(row_ids) * len(col_ids) <= DENSE_LIMIT else "sparse"
        used.add(chosen)
        ri, ci = _full_assignment(
            len(row_ids), len(col_ids), row_pos[er[keep]], col_pos[ec[keep]], cost[keep], chosen
        )
        a, b = row_ids[ri], col_ids[ci]
        students, slot_ids = (b, a) if part_rows_are_slots else (a, b)
        pairs += zip(students.tolist(), owner[slot_ids].tolist(), strict=True)
    if len(pairs) != best:
        raise AssertionError("assignment size differs from the maximum matching")
    return sorted(pairs), "+".join(sorted(used)), best, t
