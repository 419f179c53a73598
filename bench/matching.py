"""Benchmark of the matching engine on generated semesters (a table, not a timed test).

Run: .venv/bin/python -m bench.matching [--sizes 80,1000,5000,10000] [--seed 7] [--repeat 3]
Each size runs in its own subprocess so that peak memory (ru_maxrss) is per size. Times are
of later calls in the process (a running server), the best of --repeat and their median, all
with explain=True; "first call" includes loading zone data.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

import numpy as np

from matcher.matching import MatchingProblem, Person, WeeklyWindow, merge_windows, propose_matches
from matcher.matching.context import prepare

FIRST, LAST = date(2027, 3, 2), date(2027, 6, 19)
GOALS = ["conversation", "grammar", "speech", "academic", "career", "test-prep"]
LEVELS = ["beginner", "intermediate", "advanced"]
# Tutor zones, weighted roughly like an English-speaking volunteer pool.
TUTOR_ZONES = {
    "America/New_York": 14,
    "America/Chicago": 7,
    "America/Denver": 3,
    "America/Los_Angeles": 10,
    "America/Toronto": 4,
    "America/Vancouver": 2,
    "Europe/London": 10,
    "Europe/Dublin": 2,
    "Europe/Berlin": 5,
    "Europe/Paris": 3,
    "Europe/Amsterdam": 2,
    "Australia/Sydney": 5,
    "Australia/Melbourne": 3,
    "Australia/Brisbane": 2,
    "Australia/Perth": 1,
    "Pacific/Auckland": 3,
    "Asia/Tokyo": 4,
    "Asia/Singapore": 3,
    "Asia/Kolkata": 3,
    "Asia/Kathmandu": 1,
    "Asia/Seoul": 8,
}
DAY = 24 * 60


def _window(rng: random.Random, days, first_hour: int, last_hour: int, max_hours: int):
    day = rng.choice(days)
    start = rng.randrange(first_hour * 2, last_hour * 2)  # half hours
    length = rng.randint(2, max_hours * 2)
    return WeeklyWindow(day * DAY + start * 30, length * 30)


def _student(rng: random.Random, k: int) -> Person:
    windows = [_window(rng, range(5), 18, 22, 3) for _ in range(rng.randint(1, 3))]
    windows += [_window(rng, (5, 6), 9, 21, 4) for _ in range(rng.randint(0, 2))]
    gender = "female" if rng.random() < 0.7 else "male"
    return Person(
        id=f"s{k:05d}",
        role="student",
        timezone="Asia/Seoul",
        windows=merge_windows(windows),
        goals=frozenset(rng.sample(GOALS, rng.randint(1, 3))),
        levels=frozenset({rng.choices(LEVELS, (4, 4, 2))[0]}),
        gender=gender,
        gender_preference="female" if gender == "female" and rng.random() < 0.3 else None,
        korean="fluent",
        in_person=rng.random() < 0.5,
    )


def _tutor(rng: random.Random, k: int, n_students: int) -> Person:
    zone = rng.choices(list(TUTOR_ZONES), list(TUTOR_ZONES.values()))[0]
    windows = [_window(rng, range(5), 18, 22, 3) for _ in range(rng.randint(1, 3))]
    windows += [_window(rng, (5, 6), 8, 20, 4) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.3:  # early risers
        windows.append(_window(rng, range(7), 6, 8, 2))
    return Person(
        id=f"t{k:05d}",
        role="tutor",
        timezone=zone,
        windows=merge_windows(windows),
        goals=frozenset(rng.sample(GOALS, rng.randint(2, 5))),
        levels=frozenset(rng.sample(LEVELS, rng.randint(1, 3))),
        gender=rng.choice(["female", "female", "male", "other"]),
        korean=rng.choices(["none", "basic", "fluent"], (6, 3, 1))[0],
        in_person=rng.random() < 0.15,
        capacity=rng.choices([1, 2, 3], (80, 15, 5))[0],
        continue_with=f"s{rng.randrange(n_students):05d}" if rng.random() < 0.05 else None,
    )


def generate(size: int, seed: int) -> MatchingProblem:
    """A semester with ``size`` students and ``size`` tutors (Spring 2027)."""
    rng = random.Random(seed * 1_000_003 + size)
    students = tuple(_student(rng, k) for k in range(size))
    tutors = tuple(_tutor(rng, k, size) for k in range(size))
    return MatchingProblem(students, tutors, FIRST, LAST)


def greedy(problem: MatchingProblem) -> tuple[int, float]:
    """Best-looking pair first, as coordinators do by hand (with the exact time rule)."""
    ctx = prepare(problem)
    si, ti = np.nonzero(ctx.feasible)
    values = ctx.values(si, ti)
    w = problem.weights
    score = sum(getattr(w, name) * v for name, v in values.items() if name in w.__dict__)
    order = np.lexsort((ti, si, -np.rint(score * 100)))
    left = np.array([t.capacity for t in ctx.tutors])
    taken = np.zeros(len(ctx.students), dtype=bool)
    total = 0.0
    for k in order.tolist():
        if not taken[si[k]] and left[ti[k]] > 0:
            taken[si[k]] = True
            left[ti[k]] -= 1
            total += round(float(score[k]), 2)
    return int(taken.sum()), round(total, 2)


def first_week_only(problem: MatchingProblem) -> tuple[int, int]:
    """Plan with a first-week-only time check; count its pairs broken in a later week."""
    first_sunday = FIRST + timedelta(days=6 - FIRST.weekday())
    short = MatchingProblem(problem.students, problem.tutors, FIRST, first_sunday)
    plan = propose_matches(short, explain=False)
    ctx = prepare(problem)
    broken = sum(
        not ctx.feasible[ctx.student_index(p.student_id), ctx.tutor_index(p.tutor_id)]
        for p in plan.pairs
    )
    return len(plan.pairs), broken


def run_one(size: int, seed: int, baselines: bool, repeat: int) -> dict:
    problem = generate(size, seed)
    start = time.perf_counter()
    propose_matches(problem)  # the first call in a process also loads zone data and BLAS
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeat):  # the machine is shared: keep the best and the median call
        start = time.perf_counter()
        plan = propose_matches(problem)
        runs.append((time.perf_counter() - start, plan))
    total, plan = min(runs, key=lambda run: run[0])
    median = float(np.median([t for t, _ in runs]))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the baselines
    st = plan.statistics
    row = {
        "size": size,
        "feasibility_s": st.timings["feasibility"],
        "solve_s": st.timings["solve"],
        "report_s": st.timings["report"],
        "help_s": st.timings["help"],
        "total_s": total,
        "median_s": median,
        "first_s": first,
        "peak_mb": peak_mb,
        "feasible_pairs": st.feasible_pairs,
        "matched": st.matched,
        "max_possible": st.max_possible,
        "quality": st.total_quality,
        "solver": st.solver,
        "unmatched_students": sum(u.role == "student" for u in plan.unmatched),
        "with_extra_hour": sum(
            u.role == "student" and u.help is not None and u.help.extra_hour_seoul is not None
            for u in plan.unmatched
        ),
    }
    if baselines:
        row["greedy_matched"], row["greedy_quality"] = greedy(problem)
        row["week1_matched"], row["week1_broken"] = first_week_only(problem)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="80,1000,5000,10000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per size")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, not args.no_baselines, args.repeat)))
        return
    head = (
        "| size | feasibility s | solve s | report s | what-would-help s | total s | median total s "
        "| first call s | peak MB | feasible pairs | matched "
        "| max possible | quality | greedy matched | greedy quality "
        "| week-1 check: pairs | …broken later | unmatched students: with an extra hour |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for size in (int(x) for x in args.sizes.split(",")):
        cmd = [sys.executable, "-m", "bench.matching", "--one", str(size), "--seed", str(args.seed)]
        cmd += ["--repeat", str(args.repeat)]
        if args.no_baselines:
            cmd.append("--no-baselines")
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print(
            f"| {r['size']:,} | {r['feasibility_s']:.3f} | {r['solve_s']:.3f} "
            f"| {r['report_s']:.3f} | {r['help_s']:.3f} | {r['total_s']:.3f} | {r['median_s']:.3f} "
            f"| {r['first_s']:.3f} | {r['peak_mb']:.0f} | {r['feasible_pairs']:,} "
            f"| {r['matched']:,} | {r['max_possible']:,} | {r['quality']:,.2f} "
            f"| {r.get('greedy_matched', '–')} | {r.get('greedy_quality', '–')} "
            f"| {r.get('week1_matched', '–')} | {r.get('week1_broken', '–')} "
            f"| {r['unmatched_students']:,}: {r['with_extra_hour']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
