"""A pair a coordinator ruled out (they did not get along, say): never proposed again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from matcher.crypto.fields import EncryptedText
from matcher.domain import MAX_NOTE
from matcher.models.base import Base, UTCDateTime, utcnow


class Exclusion(Base):
    __tablename__ = "exclusions"
    __table_args__ = (UniqueConstraint("student_id", "tutor_id", name="uq_exclusions_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    semester_id: Mapped[int] = mapped_column(ForeignKey("semesters.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    tutor_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    # Free text that can name people: encrypted (the database cannot check its length, so
    # _check_reason does); the row goes when either person is erased.
    reason: Mapped[str] = mapped_column(EncryptedText("exclusion_reason"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("reason")
    def _check_reason(self, _key: str, reason: str) -> str:
        if not 1 <= len(reason) <= MAX_NOTE:
            raise ValueError(f"an exclusion reason has 1 to {MAX_NOTE} characters")
        return reason
