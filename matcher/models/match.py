"""A student–tutor pair and its life: proposed → locked → confirmed → ended."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from matcher.crypto.fields import EncryptedText
from matcher.domain import ACTIVE_MATCH_STATUSES, MAX_NOTE, MatchStatus
from matcher.models.applicant import Applicant
from matcher.models.base import Base, UTCDateTime, enum_type, utcnow

_ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in ACTIVE_MATCH_STATUSES))


def new_pair_id() -> str:
    return "P-" + secrets.token_hex(5).upper()


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint("student_id <> tutor_id", name="two_people"),
        CheckConstraint(
            f"(status = '{MatchStatus.ENDED}') = (ended_at IS NOT NULL)",
            name="ended_exactly_when_ended_at",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # The database itself refuses a second active pair for one student, whatever races.
        Index(
            "uq_matches_one_active_per_student",
            "student_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_matches_semester_status", "semester_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_pair_id)
    semester_id: Mapped[int] = mapped_column(ForeignKey("semesters.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    tutor_id: Mapped[int] = mapped_column(
        ForeignKey("applicants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MatchStatus] = mapped_column(
        enum_type(MatchStatus, name="status_known", length=10), default=MatchStatus.PROPOSED
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    score_breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shared_goals: Mapped[str] = mapped_column(String(120), default="")
    windows_seoul: Mapped[str] = mapped_column(Text, default="")
    windows_student_local: Mapped[str] = mapped_column(Text, default="")
    windows_tutor_local: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id", ondelete="SET NULL"))
    # Coordinators' free text can name people: encrypted like the applicants' personal fields,
    # and blanked when a person of the pair is erased (services.applicants.review).
    manual_override_note: Mapped[str | None] = mapped_column(EncryptedText("manual_override_note"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(EncryptedText("end_reason"))
    # Optimistic locking: an UPDATE that names a stale version touches no row and
    # SQLAlchemy raises StaleDataError, which the services turn into "changed meanwhile".
    version: Mapped[int] = mapped_column(default=1)

    student: Mapped[Applicant] = relationship(foreign_keys=[student_id])
    tutor: Mapped[Applicant] = relationship(foreign_keys=[tutor_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @validates("manual_override_note", "end_reason")
    def _check_note_length(self, key: str, text: str | None) -> str | None:
        """The database cannot check the length of ciphertext, so it is checked here."""
        if text is not None and len(text) > MAX_NOTE:
            raise ValueError(f"{key} has at most {MAX_NOTE} characters")
        return text

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_MATCH_STATUSES

    def __repr__(self) -> str:
        return f"<Match {self.public_id} {self.status}>"
