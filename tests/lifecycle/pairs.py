"""Making pairs directly in the database for lifecycle tests."""

from __future__ import annotations

from datetime import UTC, datetime

from matcher.extensions import db
from matcher.models import Applicant, Match, Semester


def make_pair(
    semester: Semester,
    student: Applicant,
    tutor: Applicant,
    status: str = "confirmed",
    confirmed_at: datetime | None = None,
    **fields: object,
) -> Match:
    if status in ("confirmed", "ended"):
        fields.setdefault("confirmed_at", confirmed_at or datetime(2027, 3, 9, tzinfo=UTC))
    if status == "ended":
        fields.setdefault("ended_at", datetime(2027, 4, 1, tzinfo=UTC))
        fields.setdefault("end_reason", "schedule changed")
    match = Match(
        semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, status=status, **fields
    )
    db.session.add(match)
    db.session.flush()
    return match
