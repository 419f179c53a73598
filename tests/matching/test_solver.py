"""The objective order, proved against brute force on small random programs."""

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse.csgraph import maximum_bipartite_matching

from matcher.matching import Weights, propose_matches
from matcher.matching.solver import EXACT_LIMIT, tiers

from .builders import problem, student, tutor

SLOTS = ["Mon 10:00-11:00", "Tue 10:00-11:00", "Wed 10:00-11:00", "Thu 10:00-11:00"]
GOALS = ["conversation", "grammar", "speech"]
LEVELS = ["beginner", "intermediate", "advanced"]


def _windows(draw):
    chosen = draw(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=3, unique=True))
    return "; ".join(chosen)


@st.composite
def programs(draw, max_side=6):
    n_s = draw(st.integers(1, max_side))
    n_t = draw(st.integers(1, max_side))
    s_ids = [f"s{i}" for i in range(n_s)]
    t_ids = [f"t{j}" for j in range(n_t)]
    students = [
        student(
            sid,
            _windows(draw),
            goals=frozenset(draw(st.lists(st.sampled_from(GOALS), unique=True))),
            levels=frozenset({draw(st.sampled_from(LEVELS))}),
            gender=draw(st.sampled_from([None, "female", "male"])),
            gender_preference=draw(st.sampled_from([None, None, "female", "male"])),
            in_person=draw(st.booleans()),
            continue_with=draw(st.sampled_from([None, *t_ids])),
        )
        for sid in s_ids
    ]
    tutors = [
        tutor(
            tid,
            _windows(draw),
            goals=frozenset(draw(st.lists(st.sampled_from(GOALS), unique=True))),
            levels=frozenset(draw(st.lists(st.sampled_from(LEVELS), min_size=1, unique=True))),
            gender=draw(st.sampled_from([None, "female", "male", "other"])),
            korean=draw(st.sampled_from([None, "none", "basic", "fluent"])),
            in_person=draw(st.booleans()),
            capacity=draw(st.integers(1, 3)),
            continue_with=draw(st.sampled_from([None, *s_ids])),
        )
        for tid in t_ids
    ]
    pairs = list(itertools.product(s_ids, t_ids))
    excluded = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=4)))
    locked, load = set(), dict.fromkeys(t_ids, 0)
    for s, t in draw(st.lists(st.sampled_from(pairs), max_size=3)):
        capacity = next(x.capacity for x in tutors if x.id == t)
        if (s, t) not in excluded and all(s != a for a, _ in locked) and load[t] < capacity:
            locked.add((s, t))
            load[t] += 1
    previous = None
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(pairs), max_size=n_s))
        previous = tuple({s: (s, t) for s, t in chosen}.values())
    return problem(students, tutors, excluded=excluded, locked=frozenset(locked), previous=previous)


def reference_ok(p, s, t) -> bool:
    """Hard rules, restated: a shared one-hour slot, gender preference, not excluded."""
    shared = set(s.windows) & set(t.windows)
    gender = not s.gender_preference or t.gender == s.gender_preference
    return bool(shared) and gender and (s.id, t.id) not in p.excluded


def reference_points(s, t) -> int:
    """Quality in hundredths, restated from the contract criteria and the documented weights."""
    w = Weights()
    # Windows are separate one-hour slots, so common time is 60 minutes per shared slot.
    common = 60 * len(set(s.windows) & set(t.windows))
    extra = min(max(common - 60, 0), 120) / 120
    goals = len(s.goals & t.goals) / max(1, len(s.goals))
    level = bool(s.levels & t.levels)
    korean = "beginner" in s.levels and t.korean in ("basic", "fluent")
    both = s.in_person and t.in_person
    cont = s.continue_with == t.id and t.continue_with == s.id
    total = (
        w.shared_goals * goals
        + w.level_fit * level
        + w.korean_help * korean
        + w.in_person * both
        + w.continue_pair * cont
        + w.common_time * extra
    )
    return round(total * 100)


def brute_force(p):
    """Best (matched, previous kept, quality) over every assignment respecting the rules."""
    tutors = {t.id: t for t in p.tutors}
    locked = dict(p.locked)
    previous = set(p.previous or ())
    load = dict.fromkeys(tutors, 0)
    for t in locked.values():
        load[t] += 1
    best = (-1, -1, -1)

    def visit(k, matched, kept, quality):
        nonlocal best
        if k == len(p.students):
            best = max(best, (matched, kept, quality))
            return
        s = p.students[k]
        if s.id in locked:
            t = tutors[locked[s.id]]
            pair = (s.id, t.id)
            visit(k + 1, matched + 1, kept + (pair in previous), quality + reference_points(s, t))
            return
        visit(k + 1, matched, kept, quality)
        for t in p.tutors:
            if load[t.id] < t.capacity and reference_ok(p, s, t):
                load[t.id] += 1
                pair = (s.id, t.id)
                q = quality + reference_points(s, t)
                visit(k + 1, matched + 1, kept + (pair in previous), q)
                load[t.id] -= 1

    visit(0, 0, 0, 0)
    return best


def scipy_maximum(p) -> int:
    """Maximum matching size with scipy's Hopcroft–Karp, locks counted, built here."""
    locked = dict(p.locked)
    cols = []
    for t in p.tutors:
        free = t.capacity - sum(1 for v in locked.values() if v == t.id)
        cols += [t] * free
    rows = [s for s in p.students if s.id not in locked]
    if not rows or not cols:
        return len(locked)
    dense = np.array([[reference_ok(p, s, t) for t in cols] for s in rows], dtype=float)
    match = maximum_bipartite_matching(sp.csr_matrix(dense), perm_type="column")
    return int((match >= 0).sum()) + len(locked)


@given(programs())
def test_plan_is_lexicographically_optimal_and_obeys_every_rule(p):
    students = {s.id: s for s in p.students}
    tutors = {t.id: t for t in p.tutors}
    best_matched, best_kept, best_quality = brute_force(p)
    for method in ("dense", "sparse"):
        plan = propose_matches(p, method=method, explain=False)
        pairs = [(x.student_id, x.tutor_id) for x in plan.pairs]
        assert len(pairs) == best_matched == scipy_maximum(p)
        assert plan.statistics.max_possible == best_matched
        assert len(set(pairs) & set(p.previous or ())) == best_kept
        points = [reference_points(students[s], tutors[t]) for s, t in pairs]
        assert [round(x.score * 100) for x in plan.pairs] == points
        assert sum(points) == best_quality
        assert p.locked <= set(pairs)
        assert len({s for s, _ in pairs}) == len(pairs)
        for t in p.tutors:
            assert sum(1 for _, x in pairs if x == t.id) <= t.capacity
        for s, t in set(pairs) - p.locked:
            assert reference_ok(p, students[s], tutors[t])


def test_quality_never_buys_a_smaller_number_of_matched_students():
    # s1 and t1 are a perfect pair, but t1 is s2's only option: both must be matched.
    s1 = student("s1", "Mon 10:00-11:00; Tue 10:00-11:00", continue_with="t1")
    s2 = student("s2", "Mon 10:00-11:00", goals=frozenset({"speech"}))
    t1 = tutor("t1", "Mon 10:00-11:00", continue_with="s1")
    t2 = tutor("t2", "Tue 10:00-11:00", goals=frozenset({"grammar"}), levels=frozenset({"x"}))
    plan = propose_matches(problem([s1, s2], [t1, t2]))
    assert {(x.student_id, x.tutor_id) for x in plan.pairs} == {("s1", "t2"), ("s2", "t1")}


def test_tier_constants_stay_exact_in_float64_at_ten_thousand_a_side():
    heaviest = round(sum((3, 3, 2, 1, 5, 1)) * 100)  # default weights, all criteria at 1
    t = tiers(10_000, heaviest, with_previous=True)
    assert t.divisor == 1
    assert t.keep > 10_000 * t.quality_max
    # Every integer up to the bound survives a round trip through float64.
    bound = 10_000 * (t.keep + t.quality_max + 1)
    assert bound < EXACT_LIMIT
    assert float(bound) == bound and float(bound - 1) == bound - 1


def test_huge_custom_weights_fall_back_to_a_coarser_but_still_exact_resolution():
    t = tiers(10_000, 10**10, with_previous=True)
    assert t.divisor > 1
    assert 10_000 * (t.keep + t.quality_max + 1) < EXACT_LIMIT
