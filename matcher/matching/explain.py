"""Plain-English explanations: why a pair, why not a pair, why unmatched, and alternatives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.domain import Role
from matcher.domain.windows import MINUTES_PER_WEEK
from matcher.matching.context import Context, prepare
from matcher.matching.people import MatchingProblem, Person, Unmatched
from matcher.matching.periods import format_periods, free_stretches, periods_in
from matcher.matching.scoring import (
    SCORE_SCALE,
    breakdown,
    score_points,
    shared_goals,
)
from matcher.matching.slots import SEOUL, zone_clock

# The fixed list of reasons a person is left unmatched, by role and code.
REASONS = {
    ("student", "no_common_time"): "No tutor shares a full session in every week.",
    ("student", "only_excluded_or_preference"): (
        "The only tutors who share a full session every week are excluded by a coordinator "
        "or do not meet the student's gender preference."
    ),
    ("student", "needed_elsewhere"): (
        "Every tutor who fits is needed by students with fewer options."
    ),
    ("tutor", "no_common_time"): "No student shares a full session in every week.",
    ("tutor", "only_excluded_or_preference"): (
        "The only students who share a full session every week are excluded by a coordinator "
        "or asked for a tutor of another gender."
    ),
    ("tutor", "needed_elsewhere"): (
        "Every student who fits has a partner in a plan that matches as many students."
    ),
}
# The same reason when only one of its two rules is at work: a preview of a spreadsheet has no
# coordinators, so it should not talk about their exclusions.
NARROWER = {
    ("student", "excluded"): (
        "The only tutors who share a full session every week are excluded by a coordinator."
    ),
    ("student", "preference"): (
        "The only tutors who share a full session every week do not meet the student's "
        "gender preference."
    ),
    ("tutor", "excluded"): (
        "The only students who share a full session every week are excluded by a coordinator."
    ),
    ("tutor", "preference"): (
        "The only students who share a full session every week asked for a tutor of another gender."
    ),
}


@dataclass(frozen=True)
class PairExplanation:
    """Why (or why not) a student and a tutor make a pair.

    ``problems`` names each failing hard rule in plain English (empty when the pair is
    feasible); ``weeks_without_time`` lists the Mondays (Seoul) of weeks with no common session;
    ``clock_changes`` names the changes that cause them, e.g. "America/New_York changes
    clocks on 2027-03-14".
    """

    student_id: str
    tutor_id: str
    feasible: bool
    problems: tuple[str, ...]
    weeks_without_time: tuple[str, ...]
    clock_changes: tuple[str, ...]
    score: float
    breakdown: dict[str, float]
    shared_goals: tuple[str, ...]
    windows_seoul: str
    windows_student_local: str
    windows_tutor_local: str


@dataclass(frozen=True)
class Alternative:
    """A feasible tutor for a student, for a coordinator's manual choice."""

    tutor_id: str
    score: float
    breakdown: dict[str, float]
    shared_goals: tuple[str, ...]
    windows_seoul: str
    capacity: int


def pair_windows(ctx: Context, i: int, j: int) -> tuple[str, str, str]:
    """The pair's common stretches of at least a session: Seoul, student-local, tutor-local.

    Each text is dated in its own reader's zone (Seoul, the student's, the tutor's local dates);
    see ``periods.py`` for how it is read and why it agrees with the weekly feasibility test.
    """
    student, tutor = ctx.students[i], ctx.tutors[j]
    session = ctx.cal.session_minutes
    stretches = free_stretches(
        ctx.cal.mondays,
        [(student.timezone, student.windows), (tutor.timezone, tutor.windows)],
        session,
        session,
    )
    texts: dict[str, str] = {}  # a zone's text is computed once (most students are in Seoul)
    for target in (SEOUL, student.timezone, tutor.timezone):
        if target not in texts:
            texts[target] = format_periods(periods_in(stretches, target))
    return texts[SEOUL], texts[student.timezone], texts[tutor.timezone]


def clock_changes_between(ctx: Context, zones: Sequence[str], weeks: Sequence[int]) -> list[str]:
    """Name the clock changes of ``zones`` within a week of each of the given week starts."""
    lo, hi = ctx.cal.span()
    found = set()
    for zone in sorted(set(zones)):
        clock = zone_clock(zone, lo, hi)
        for w in weeks:
            start = ctx.cal.week_start(w)
            for _, day in clock.changes(start - MINUTES_PER_WEEK, start + MINUTES_PER_WEEK):
                found.add((day, zone))
    return [f"{zone} changes clocks on {day.isoformat()}" for day, zone in sorted(found)]


def _time_story(ctx: Context, student: Person, tutor: Person) -> tuple[list[int], list[str]]:
    ok = (ctx.weekly_starts(student) & ctx.weekly_starts(tutor)).any(axis=1)
    bad: list[int] = np.flatnonzero(~ok).tolist()
    # A week that flips from the previous one flips because a clock changed: weekly
    # availability is otherwise the same every week.
    flips = [w for w in range(1, ctx.cal.weeks) if ok[w] != ok[w - 1]]
    changes = clock_changes_between(ctx, (student.timezone, tutor.timezone), flips)
    return bad, changes


def _score(ctx: Context, i: int, j: int) -> tuple[float, dict[str, float]]:
    values = ctx.values(np.array([i]), np.array([j]))
    points = score_points(values, ctx.problem.weights)
    return int(points[0]) / SCORE_SCALE, breakdown(values, ctx.problem.weights, 0)


def explain_in_context(ctx: Context, student_id: str, tutor_id: str) -> PairExplanation:
    i, j = ctx.student_index(student_id), ctx.tutor_index(tutor_id)
    student, tutor = ctx.students[i], ctx.tutors[j]
    problems = []
    pref = student.gender_preference
    if pref and tutor.gender != pref:
        problems.append(
            f"The student asked for a {pref} tutor; this tutor's gender is "
            f"{tutor.gender or 'not given'}."
        )
    if (student_id, tutor_id) in ctx.problem.excluded:
        problems.append("A coordinator excluded this pair.")
    bad, changes = _time_story(ctx, student, tutor)
    minutes = ctx.problem.session_minutes
    if len(bad) == ctx.cal.weeks:
        problems.append(f"They never share a full {minutes}-minute session in any week.")
    elif bad:
        days = ", ".join(ctx.monday(w).isoformat() for w in bad)
        cause = f" because {'; '.join(changes)}" if changes else ""
        problems.append(
            f"They share no full {minutes}-minute session in {len(bad)} of "
            f"{ctx.cal.weeks} weeks (weeks of {days}){cause}."
        )
    score, parts = _score(ctx, i, j)
    seoul, s_local, t_local = pair_windows(ctx, i, j)
    return PairExplanation(
        student_id,
        tutor_id,
        not problems,
        tuple(problems),
        tuple(ctx.monday(w).isoformat() for w in bad),
        tuple(changes if bad else ()),
        score if not problems else 0.0,
        parts,
        shared_goals(student, tutor),
        seoul,
        s_local,
        t_local,
    )


def explain_pair(problem: MatchingProblem, student_id: str, tutor_id: str) -> PairExplanation:
    """Why this pair is feasible and what it scores, or which hard rules it fails and when."""
    student = [s for s in problem.students if s.id == student_id]
    if not student:
        raise KeyError(f"no student with id {student_id!r}")
    return explain_in_context(prepare(problem, student), student_id, tutor_id)


def top_alternatives(problem: MatchingProblem, student_id: str, k: int = 5) -> list[Alternative]:
    """The ``k`` best feasible tutors for a student by score (ties by tutor id).

    Capacity is ignored on purpose: a coordinator choosing by hand may move another student.
    """
    student = [s for s in problem.students if s.id == student_id]
    if not student:
        raise KeyError(f"no student with id {student_id!r}")
    ctx = prepare(problem, student)
    cols = np.flatnonzero(ctx.feasible[0])
    values = ctx.values(np.zeros(len(cols), dtype=np.int64), cols)
    points = score_points(values, problem.weights)
    order = sorted(range(len(cols)), key=lambda n: (-points[n], ctx.tutors[cols[n]].id))[:k]
    out = []
    for n in order:
        tutor = ctx.tutors[cols[n]]
        out.append(
            Alternative(
                tutor.id,
                int(points[n]) / SCORE_SCALE,
                breakdown(values, problem.weights, n),
                shared_goals(ctx.students[0], tutor),
                pair_windows(ctx, 0, int(cols[n]))[0],
                tutor.capacity,
            )
        )
    return out


def unmatched_people(
    ctx: Context, matched_students: set[int], used_tutors: set[int]
) -> list[Unmatched]:
    """Everyone without a partner, with the first reason from :data:`REASONS` that applies."""
    timed = ctx.counts > 0
    feasible = ctx.feasible
    out = []
    roles: tuple[tuple[Role, Sequence[Person], set[int], int], ...] = (
        (Role.STUDENT, ctx.students, matched_students, 1),
        (Role.TUTOR, ctx.tutors, used_tutors, 0),
    )
    for role, people, taken, axis in roles:
        n_timed, n_feasible = timed.sum(axis=axis), feasible.sum(axis=axis)
        for k, person in enumerate(people):
            if k in taken:
                continue
            if n_timed[k] == 0:
                code = "no_common_time"
            elif n_feasible[k] == 0:
                code = "only_excluded_or_preference"
            else:
                code = "needed_elsewhere"
            text = REASONS[role, code]
            if code == "only_excluded_or_preference":
                text = _rules_at_work(ctx, role, k, timed) or text
            out.append(Unmatched(person.id, role, code, text, int(n_feasible[k])))
    return out


def _rules_at_work(ctx: Context, role: str, k: int, timed: np.ndarray) -> str | None:
    """The narrower wording when only exclusions, or only the gender preference, rule out
    everyone who shares the time with person ``k``; None when both do."""
    if role == "student":
        pairs = [(ctx.students[k].id, ctx.tutors[j].id) for j in np.flatnonzero(timed[k])]
    else:
        pairs = [(ctx.students[i].id, ctx.tutors[k].id) for i in np.flatnonzero(timed[:, k])]
    excluded = {pair in ctx.problem.excluded for pair in pairs}
    if excluded == {True}:
        return NARROWER[role, "excluded"]
    if excluded == {False}:
        return NARROWER[role, "preference"]
    return None
