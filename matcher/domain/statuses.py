"""Where a semester, an applicant and a pair are in their lives, in the order they move."""

from __future__ import annotations

from enum import StrEnum


class SemesterStatus(StrEnum):
    INTAKE = "intake"
    MATCHING = "matching"
    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        """Position in the semester's life, so stages can be compared (a semester never goes back)."""
        return list(SemesterStatus).index(self)


class ApplicantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    LOCKED = "locked"
    CONFIRMED = "confirmed"
    ENDED = "ended"


SEMESTER_STATUSES: tuple[str, ...] = tuple(s.value for s in SemesterStatus)
APPLICANT_STATUSES: tuple[str, ...] = tuple(s.value for s in ApplicantStatus)
MATCH_STATUSES: tuple[str, ...] = tuple(s.value for s in MatchStatus)
# A pair holds both people until it ends; the database allows one such pair per student.
ACTIVE_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.LOCKED, MatchStatus.CONFIRMED)
