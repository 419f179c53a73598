"""Rows → the session planner: a pair's session is planned with its tutor's other active pairs.

The planner is pure (``matcher.matching.sessions``); this module only reads the people's zones
and windows and hands back each match's plan. A pair that has an agreed (or accepted) session
passes it as ``fixed``, so the planner keeps it while it still fits and places the tutor's
other pairs around it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.matching.sessions import SessionPair, SessionPlan, plan_sessions
from matcher.models import ACTIVE_MATCH_STATUSES, Match, Semester
from matcher.services.pairs.records import active_pairs_in

ACTIVE = ACTIVE_MATCH_STATUSES
Fixed = Callable[[Match], tuple[int, ...] | None]


def _no_fixed(_match: Match) -> tuple[int, ...] | None:
    return None


def session_pair(match: Match, fixed: Fixed = _no_fixed) -> SessionPair:
    return SessionPair(
        pair_id=str(match.id),
        tutor_id=str(match.tutor_id),
        student_zone=match.student.timezone,
        student_windows=parse_windows(match.student.availability),
        tutor_zone=match.tutor.timezone,
        tutor_windows=parse_windows(match.tutor.availability),
        fixed=fixed(match),
    )


def plan_matches(
    semester: Semester,
    matches: Iterable[Match],
    fixed: Fixed = _no_fixed,
    with_alternatives: bool = True,
) -> dict[int, SessionPlan]:
    """Plans keyed by match row id; the matches of one tutor are planned together."""
    pairs = [session_pair(m, fixed) for m in matches]
    plans = plan_sessions(
        pairs, semester.starts_on, semester.ends_on, semester.session_minutes, with_alternatives
    )
    return {int(pid): plan for pid, plan in plans.items()}


def active_matches(semester: Semester) -> list[Match]:
    """The semester's active pairs by id, so plans are computed in a stable order."""
    return active_pairs_in(semester)


def semester_plans(semester: Semester, fixed: Fixed = _no_fixed) -> dict[int, SessionPlan]:
    """Every active pair's plan (proposed, locked or confirmed)."""
    return plan_matches(semester, active_matches(semester), fixed)


def plan_for(match: Match, fixed: Fixed = _no_fixed) -> SessionPlan:
    """One pair's plan, planned with its tutor's other active pairs (an ended pair: alone)."""
    if match.status not in ACTIVE:
        return plan_matches(match.student.semester, [match], fixed)[match.id]
    tutor_pairs = db.session.scalars(
        select(Match)
        .options(joinedload(Match.student), joinedload(Match.tutor))
        .where(Match.tutor_id == match.tutor_id, Match.status.in_(ACTIVE))
        .order_by(Match.id)
    ).unique()
    return plan_matches(match.student.semester, tutor_pairs, fixed)[match.id]
