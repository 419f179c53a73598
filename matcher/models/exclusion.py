"""A pair a coordinator ruled out (they did not get along, say): never proposed again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, UTCDateTime, utcnow


class Exclusion(Base):
    __tablename__ = "exclusions"
    __table_args__ = (
        UniqueConstraint("student_id", "tutor_id", name="uq_exclusions_pair"),
        CheckConstraint("length(reason) >= 1", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    semester_id: Mapped[int] = mapped_column(ForeignKey("semesters.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    tutor_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
