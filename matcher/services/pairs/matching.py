"""Running the engine for a semester and storing its proposals; explanations for the dashboard."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from matcher.database import begin_writing
from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from matcher.extensions import db
from matcher.matching import (
    Alternative,
    PairExplanation,
    Plan,
    Weights,
    explain_pair,
    feasible_counts,
    propose_matches,
    top_alternatives,
)
from matcher.models import (
    ACTIVE_MATCH_STATUSES,
    Applicant,
    Match,
    MatchRun,
    MatchStatus,
    Semester,
)
from matcher.services.audit import record_event
from matcher.services.constraints import flush
from matcher.services.errors import ChangedMeanwhile, DomainError
from matcher.services.pairs.engine_input import build_engine_input
from matcher.services.pairs.records import check_capacity, lock_tutors
from matcher.services.semesters.figures import remembered, semester_fingerprint
from matcher.services.sessions.agreement import sync_semester

WEIGHT_NAMES = tuple(f.name for f in fields(Weights))


@dataclass(frozen=True)
class RunOutcome:
    """What a run found; ``run`` is None when it was only a preview (nothing saved)."""

    plan: Plan
    applicants: dict[str, Applicant]
    run: MatchRun | None


def weights_from(values: dict[str, Any] | None) -> Weights:
    """Coordinator-supplied weights, each a number from 0 to 100; unknown names are refused."""
    if not values:
        return Weights()
    unknown = set(values) - set(WEIGHT_NAMES)
    if unknown:
        raise DomainError(f"Unknown weight(s): {', '.join(sorted(unknown))}.", field="weights")
    clean: dict[str, Any] = {}
    for name, value in values.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DomainError(f"The weight {name!r} must be a number.", field=name) from None
        if not 0 <= number <= 1000:
            raise DomainError(f"The weight {name!r} must be between 0 and 1000.", field=name)
        clean[name] = int(number) if name == "common_time_cap_minutes" else number
    if clean.get("common_time_cap_minutes", 1) < 1:
        raise DomainError(
            "The common-time cap must be at least 1 minute.", field="common_time_cap_minutes"
        )
    return Weights(**clean)


def _check_open(semester: Semester) -> None:
    if semester.is_closed:
        raise DomainError(f"Semester {semester.name!r} is closed; it can no longer change.")


def run_matching(
    semester: Semester,
    *,
    actor: str,
    user_id: int | None = None,
    session_minutes: int | None = None,
    weights: Weights | None = None,
    save: bool = True,
    run_from: str = "dashboard",
) -> RunOutcome:
    """Propose pairs for every approved applicant, keeping locked and confirmed pairs.

    With ``save`` the semester's proposed pairs are replaced by the new plan in this
    transaction (a kept proposal keeps its row and pair id); without it nothing is written, so
    a coordinator can look at the diff first.
    """
    _check_open(semester)
    if (
        session_minutes is not None
        and not MIN_SESSION_MINUTES <= session_minutes <= MAX_SESSION_MINUTES
    ):
        raise DomainError(
            f"Session length must be between {MIN_SESSION_MINUTES} and {MAX_SESSION_MINUTES} minutes.",
            field="session_minutes",
        )
    started = time.perf_counter()
    # Read before the engine's input, so any change after it shows when the plan is stored.
    fingerprint = semester_fingerprint(semester) if save else None
    engine_input = build_engine_input(semester, session_minutes=session_minutes, weights=weights)
    if not engine_input.problem.students or not engine_input.problem.tutors:
        raise DomainError("Matching needs at least one approved student and one approved tutor.")
    try:
        plan = propose_matches(engine_input.problem)
    except ValueError as error:  # e.g. locks exceeding a tutor's capacity after an edit
        raise DomainError(f"The engine refused this semester's data: {error}.") from error
    if not save:
        return RunOutcome(plan, engine_input.applicants, None)
    # Row ids now: begin_writing() may expire the applicants, and reloading each would be
    # thousands of queries under the write lock.
    row_ids = {public_id: person.id for public_id, person in engine_input.applicants.items()}
    tutors = {row_ids[p.tutor_id] for p in plan.pairs if not p.locked}
    begin_writing()  # the solve is done: only now take SQLite's write lock
    lock_tutors(tutors)
    if semester_fingerprint(semester) != fingerprint:
        raise ChangedMeanwhile(
            "The semester changed while the engine ran (someone paired, edited or approved "
            "people meanwhile); nothing was saved. Run matching again."
        )
    run = MatchRun(
        semester_id=semester.id,
        run_by_id=user_id,
        run_from=run_from,
        parameters={
            "session_minutes": engine_input.problem.session_minutes,
            "weights": asdict(engine_input.problem.weights),
            "first_week": str(engine_input.problem.first_week or ""),
        },
    )
    db.session.add(run)
    flush()
    _store_proposals(semester, row_ids, plan, run)
    check_capacity(tutors)
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.summary = summarise(plan)
    record_event(
        "match.run",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={
            "run": run.id,
            "matched": plan.statistics.matched,
            "max": plan.statistics.max_possible,
        },
    )
    return RunOutcome(plan, engine_input.applicants, run)


def unmatched_preview(semester: Semester) -> RunOutcome:
    """What a run with the default settings would leave unmatched, and why; nothing is saved.

    Solving takes about a second for a full semester, and coordinators come back to this page
    while recruiting; the plan is remembered until the semester's data changes (see
    semester_figures). The applicant rows are read fresh each time.
    """
    _check_open(semester)

    def compute() -> Plan:
        return run_matching(semester, actor="preview", save=False).plan

    plan = remembered(semester, "unmatched_preview", compute)
    wanted = {u.person_id for u in plan.unmatched}
    rows = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id, Applicant.public_id.in_(wanted)
        )
    ).all()
    return RunOutcome(plan, {a.public_id: a for a in rows}, None)


def summarise(plan: Plan) -> dict[str, Any]:
    """Counts only (ids at most): a run's summary is kept and must hold no personal data."""
    stats = plan.statistics
    reasons: dict[str, int] = {}
    for person in plan.unmatched:
        key = f"{person.role}:{person.reason}"
        reasons[key] = reasons.get(key, 0) + 1
    summary: dict[str, Any] = {
        "students": stats.students,
        "tutors": stats.tutors,
        "matched": stats.matched,
        "max_possible": stats.max_possible,
        "locked": stats.locked,
        "total_quality": stats.total_quality,
        "unmatched_students": sum(p.role == "student" for p in plan.unmatched),
        "unmatched_tutors": sum(p.role == "tutor" for p in plan.unmatched),
        "unmatched_reasons": reasons,
        "solver": stats.solver,
        "weeks": stats.weeks,
    }
    if plan.diff is not None:
        summary["diff"] = {
            "kept": len(plan.diff.kept),
            "changed": len(plan.diff.changed),
            "new": len(plan.diff.new),
            "dropped": len(plan.diff.dropped),
        }
    return summary


def _store_proposals(
    semester: Semester, row_ids: dict[str, int], plan: Plan, run: MatchRun
) -> None:
    student, tutor = aliased(Applicant), aliased(Applicant)
    proposed = {
        (s, t): match
        for match, s, t in db.session.execute(
            select(Match, student.public_id, tutor.public_id)
            .join(student, Match.student_id == student.id)
            .join(tutor, Match.tutor_id == tutor.id)
            .where(Match.semester_id == semester.id, Match.status == MatchStatus.PROPOSED)
        ).all()
    }
    wanted = {(p.student_id, p.tutor_id): p for p in plan.pairs if not p.locked}
    # Stale proposals go first: the one-active-match-per-student index would refuse a
    # student's new proposal while the old one still exists.
    for key, stale in proposed.items():
        if key not in wanted:
            db.session.delete(stale)
    flush()
    for key, pair in wanted.items():
        match = proposed.get(key)
        if match is None:
            match = Match(
                semester_id=semester.id,
                student_id=row_ids[pair.student_id],
                tutor_id=row_ids[pair.tutor_id],
                status=MatchStatus.PROPOSED,
            )
            db.session.add(match)
        match.score = pair.score
        match.score_breakdown = dict(pair.breakdown)
        match.shared_goals = ";".join(pair.shared_goals)
        match.windows_seoul = pair.windows_seoul
        match.windows_student_local = pair.windows_student_local
        match.windows_tutor_local = pair.windows_tutor_local
        match.run_id = run.id
    flush()
    sync_semester(semester)  # each pair's proposed weekly session (issue 15)


def explain_for(semester: Semester, student: Applicant, tutor: Applicant) -> PairExplanation:
    """The engine's "why (not) this pair?" for any student and tutor of the semester."""
    engine_input = build_engine_input(semester, extra=(student, tutor))
    return explain_pair(engine_input.problem, student.public_id, tutor.public_id)


def alternatives_for(semester: Semester, student: Applicant, k: int = 5) -> list[Alternative]:
    engine_input = build_engine_input(semester, extra=(student,))
    if not engine_input.problem.tutors:
        return []
    return top_alternatives(engine_input.problem, student.public_id, k)


def tutor_pair_counts(semester: Semester) -> dict[str, int]:
    """Active pairs (proposed, locked, confirmed) per tutor public id: what a manual pair
    checks against the tutor's capacity."""
    rows = db.session.execute(
        select(Applicant.public_id, func.count(Match.id))
        .join(Match, Match.tutor_id == Applicant.id)
        .where(
            Match.semester_id == semester.id,
            Match.status.in_(ACTIVE_MATCH_STATUSES),
        )
        .group_by(Applicant.public_id)
    ).all()
    return {public_id: count for public_id, count in rows}


def feasible_partner_counts(semester: Semester) -> dict[str, int]:
    """For every approved applicant (by public id): how many partners satisfy every hard rule.

    Capacity is ignored: this answers "who could ever teach this student?", which is what
    recruiting needs before matching. Remembered until the semester's data changes.
    """

    def compute() -> dict[str, int]:
        problem = build_engine_input(semester).problem
        if not problem.students or not problem.tutors:
            return {p.id: 0 for p in (*problem.students, *problem.tutors)}
        return feasible_counts(problem)

    return dict(remembered(semester, "feasible_partner_counts", compute))
