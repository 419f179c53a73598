"""Lexicographic maximum-weight assignment of students to tutor slots with scipy.

The contract orders the objectives: (1) the most students matched, (2) on a re-run the most
previous pairs kept, (3) the highest total quality, (4) deterministic ties. We fold (1)–(3)
into one integer edge weight with "big-M" tiers:

    w(e) = B + P·kept(e) + q(e),    q(e) ∈ {0, …, Q} (quality in hundredths)

and maximise Σ w over matchings. Let m be the largest possible matching size (≤ min(students,
slots)). Two matchings of equal size differ in Σ q by at most m·Q < P, so one more kept pair
always wins; and a matching with one more edge gains at least B > m·(P + Q), more than any
difference in the lower tiers of the smaller one. Hence the maximiser is lexicographically
optimal. Every weight and every partial sum is an integer below m·(B + P + Q), which
:func:`tiers` keeps under 2**53 / 4, so float64 (the solvers' type) represents every value and
every sum or difference of them exactly: no rounding can reorder two plans.

Tutors with capacity c become c identical slot columns. Both solvers minimise a cost:

* dense ``linear_sum_assignment``: cost −w on feasible cells and 0 elsewhere (choosing an
  infeasible cell is worth exactly as much as leaving the student unmatched, and is dropped);
* sparse ``min_weight_full_bipartite_matching`` on feasible edges only: it needs every row
  matched and non-zero weights, so each student also gets a private dummy column of cost K
  and real edges cost K − w, with K = B + P + Q + 1 > every w. Every student takes exactly one
  column, so Σ cost = n·K − Σ w over real edges: the same optimum.

Determinism (4): callers sort students and tutors by id before building the arrays and both
algorithms are deterministic, so the same input gives the same plan whatever its order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

EXACT_LIMIT = 2**53 // 4
DENSE_LIMIT = 2_000_000  # cells (students × slots) up to which the dense solver is used


@dataclass(frozen=True)
class Tiers:
    """The tier constants and quality resolution divisor of one solve."""

    match: int  # B
    keep: int  # P (0 without a previous plan)
    quality_max: int  # Q, after dividing qualities by ``divisor``
    divisor: int  # 1 unless the tiers would not fit in float64's exact range


def tiers(m: int, quality_max: int, with_previous: bool) -> Tiers:
    """Choose B and P for at most ``m`` matched pairs with qualities in 0..quality_max.

    If the bound m·(B + P + Q) would leave float64's exact range (only with huge custom
    weights at 10,000 a side), qualities are divided by the smallest power of ten that fits;
    the plan then records the coarser resolution in its statistics.
    """
    m = max(1, m)
    divisor = 1
    while True:
        q = max(0, quality_max) // divisor
        keep = m * q + 1 if with_previous else 0
        match = m * (keep + q) + 1
        if m * (match + keep + q) < EXACT_LIMIT:
            return Tiers(match, keep, q, divisor)
        divisor *= 10


def edge_weights(quality: np.ndarray, kept: np.ndarray, t: Tiers) -> np.ndarray:
    return t.match + t.keep * kept.astype(np.int64) + quality // t.divisor


def expand_slots(capacity: np.ndarray, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray):
    """Repeat each tutor's edges once per slot; returns (rows, slot columns, weights, owner)."""
    owner = np.repeat(np.arange(len(capacity)), capacity)
    first_slot = np.concatenate([[0], np.cumsum(capacity)[:-1]]).astype(np.int64)
    reps = capacity[cols]
    r = np.repeat(rows, reps)
    w = np.repeat(weights, reps)
    offsets = np.arange(len(r)) - np.repeat(np.cumsum(reps) - reps, reps)
    c = np.repeat(first_slot[cols], reps) + offsets
    return r, c, w, owner


def solve(
    n_rows: int,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    method: str = "auto",
) -> tuple[list[tuple[int, int]], str]:
    """Maximum-weight assignment of rows to tutors (with capacities) over the given edges.

    Returns (row, tutor) pairs sorted by row, and the solver used ("dense" or "sparse").
    """
    slots = int(capacity.sum())
    if n_rows == 0 or slots == 0 or len(rows) == 0:
        return [], "none"
    r, c, w, owner = expand_slots(capacity, rows, cols, weights)
    if method == "auto":
        method = "dense" if n_rows * slots <= DENSE_LIMIT else "sparse"
    if method == "dense":
        cost = np.zeros((n_rows, slots))
        cost[r, c] = -w.astype(np.float64)
        ri, ci = linear_sum_assignment(cost)
        chosen = cost[ri, ci] < 0
        ri, ci = ri[chosen], ci[chosen]
    else:
        k = float(w.max()) + 1.0
        data = np.concatenate([k - w.astype(np.float64), np.full(n_rows, k)])
        all_r = np.concatenate([r, np.arange(n_rows)])
        all_c = np.concatenate([c, slots + np.arange(n_rows)])
        graph = sp.csr_matrix((data, (all_r, all_c)), shape=(n_rows, slots + n_rows))
        ri, ci = min_weight_full_bipartite_matching(graph)
        real = ci < slots
        ri, ci = ri[real], ci[real]
    pairs = sorted(zip(ri.tolist(), owner[ci].tolist(), strict=True))
    return pairs, method


def max_matching_size(n_rows: int, capacity: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> int:
    """Size of a maximum matching (Hopcroft–Karp), independent of the weighted solvers."""
    slots = int(capacity.sum())
    if n_rows == 0 or slots == 0 or len(rows) == 0:
        return 0
    r, c, _, _ = expand_slots(capacity, rows, cols, np.zeros(len(rows), dtype=np.int64))
    graph = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n_rows, slots))
    match = maximum_bipartite_matching(graph, perm_type="column")
    return int((match >= 0).sum())
