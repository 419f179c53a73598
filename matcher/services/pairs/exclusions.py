"""The semester's excluded pairs as the matching page lists them: who, why, by whom and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from matcher.extensions import db
from matcher.models import Applicant, Exclusion, Semester, User


@dataclass(frozen=True)
class ExcludedPair:
    """One exclusion; `excluded_by` (an account name) is None when no account was recorded."""

    id: int
    student_id: str
    student_name: str
    tutor_id: str
    tutor_name: str
    reason: str
    excluded_by: str | None
    excluded_at: datetime


def excluded_pairs(semester: Semester) -> list[ExcludedPair]:
    """Oldest first, the order they were decided in."""
    student, tutor = aliased(Applicant), aliased(Applicant)
    rows = db.session.execute(
        select(
            Exclusion,
            student.public_id,
            student.display_name,
            tutor.public_id,
            tutor.display_name,
            User.name,
        )
        .join(student, student.id == Exclusion.student_id)
        .join(tutor, tutor.id == Exclusion.tutor_id)
        .outerjoin(User, User.id == Exclusion.created_by_id)
        .where(Exclusion.semester_id == semester.id)
        .order_by(Exclusion.id)
    ).all()
    return [
        ExcludedPair(
            id=exclusion.id,
            student_id=student_id,
            student_name=student_name,
            tutor_id=tutor_id,
            tutor_name=tutor_name,
            reason=exclusion.reason,
            excluded_by=by,
            excluded_at=exclusion.created_at,
        )
        for exclusion, student_id, student_name, tutor_id, tutor_name, by in rows
    ]
