"""What the matching pages read: a semester's pairs and last run, a student's pair, the tutors.

Read-only queries, kept here so the views only load, call and render.
"""

from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, ApplicantStatus, Match, MatchRun, Semester
from matcher.services.pairs.records import active_pairs_in, active_pairs_of


def active_pairs(semester: Semester) -> list[Match]:
    """Proposed, locked and confirmed pairs with both people loaded, in the page's order."""
    return active_pairs_in(semester, Match.status, Match.score.desc(), Match.id)


def last_run(semester: Semester) -> MatchRun | None:
    return db.session.scalars(
        select(MatchRun).where(MatchRun.semester_id == semester.id).order_by(MatchRun.id.desc())
    ).first()


def current_pair(student: Applicant) -> Match | None:
    """The student's active pair, if any (a partial unique index allows at most one)."""
    pairs = active_pairs_of(student.id)
    return pairs[0] if pairs else None


def approved_tutors(semester: Semester) -> dict[str, Applicant]:
    """Approved tutors by public id, sorted by name in Python: names are encrypted at rest."""
    tutors = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.role == "tutor",
            Applicant.status == ApplicantStatus.APPROVED.value,
        )
    ).all()
    return {t.public_id: t for t in sorted(tutors, key=lambda t: (t.display_name.casefold(), t.id))}
