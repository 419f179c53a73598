"""Rows → the engine's plain dataclasses: who takes part, which pairs are locked or excluded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from matcher.domain import Role
from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.matching.people import MatchingProblem, Person, Weights
from matcher.models import (
    ACTIVE_MATCH_STATUSES,
    Applicant,
    ApplicantStatus,
    Exclusion,
    Match,
    MatchStatus,
    Semester,
    SemesterStatus,
)

SEOUL = ZoneInfo("Asia/Seoul")
LOCKING_STATUSES = (MatchStatus.LOCKED, MatchStatus.CONFIRMED)


@dataclass(frozen=True)
class EngineInput:
    """A problem plus the map back from the engine's ids (public ids) to applicant rows."""

    problem: MatchingProblem
    applicants: dict[str, Applicant]


def to_person(applicant: Applicant, partner_ids: dict[tuple[Role, str], str]) -> Person:
    role = Role(applicant.role)
    continue_with = None
    if applicant.continue_with:
        continue_with = partner_ids.get((role.other, applicant.continue_with))
    return Person(
        applicant.public_id,
        continue_with=continue_with,
        role=role,
        timezone=applicant.timezone,
        windows=parse_windows(applicant.availability),
        goals=frozenset(applicant.goal_list),
        levels=frozenset(applicant.level_list),
        gender=applicant.gender,
        gender_preference=applicant.gender_preference,
        korean=applicant.korean,
        in_person=applicant.in_person,
        capacity=applicant.capacity,
    )


def seoul_today() -> date:
    return datetime.now(SEOUL).date()


def rematch_from(semester: Semester, today: date | None = None) -> date | None:
    """Mid-semester (status active, today inside the dates) only the weeks from now on count."""
    today = today or seoul_today()
    if semester.status == SemesterStatus.ACTIVE and semester.starts_on < today <= semester.ends_on:
        return today
    return None


def participants(semester: Semester, extra: tuple[Applicant, ...] = ()) -> list[Applicant]:
    """Approved applicants (plus any extra rows a coordinator asked about), by public id."""
    rows = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.status == ApplicantStatus.APPROVED,
        )
    ).all()
    chosen = {a.id: a for a in rows}
    for applicant in extra:
        chosen.setdefault(applicant.id, applicant)
    return sorted(chosen.values(), key=lambda a: a.public_id)


def active_pairs(semester: Semester) -> list[tuple[str, str, str]]:
    """(student public id, tutor public id, status) of every active match in the semester."""
    student, tutor = aliased(Applicant), aliased(Applicant)
    rows = db.session.execute(
        select(student.public_id, tutor.public_id, Match.status)
        .select_from(Match)
        .join(student, Match.student_id == student.id)
        .join(tutor, Match.tutor_id == tutor.id)
        .where(
            Match.semester_id == semester.id,
            Match.status.in_(ACTIVE_MATCH_STATUSES),
        )
    ).all()
    return [(s, t, status) for s, t, status in rows]


def excluded_pairs(semester: Semester) -> frozenset[tuple[str, str]]:
    student, tutor = aliased(Applicant), aliased(Applicant)
    rows = db.session.execute(
        select(student.public_id, tutor.public_id)
        .select_from(Exclusion)
        .join(student, Exclusion.student_id == student.id)
        .join(tutor, Exclusion.tutor_id == tutor.id)
        .where(Exclusion.semester_id == semester.id)
    ).all()
    return frozenset((s, t) for s, t in rows)


def build_engine_input(
    semester: Semester,
    *,
    session_minutes: int | None = None,
    weights: Weights | None = None,
    extra: tuple[Applicant, ...] = (),
    today: date | None = None,
) -> EngineInput:
    """The semester as the engine sees it; locked and confirmed pairs are kept as locks."""
    people = participants(semester, extra)
    partner_ids = {(a.role, a.email): a.public_id for a in people}
    persons = [to_person(a, partner_ids) for a in people]
    ids = {p.id for p in persons}
    pairs = active_pairs(semester)
    locked = frozenset(
        (s, t) for s, t, status in pairs if status in LOCKING_STATUSES and s in ids and t in ids
    )
    previous = tuple(sorted((s, t) for s, t, _ in pairs if s in ids and t in ids))
    problem = MatchingProblem(
        students=tuple(p for p in persons if p.role == "student"),
        tutors=tuple(p for p in persons if p.role == "tutor"),
        first_day=semester.starts_on,
        last_day=semester.ends_on,
        session_minutes=session_minutes or semester.session_minutes,
        weights=weights or Weights(),
        first_week=rematch_from(semester, today),
        locked=locked,
        excluded=excluded_pairs(semester),
        previous=previous,
    )
    return EngineInput(problem, {a.public_id: a for a in people})
