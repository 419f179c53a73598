"""A semester: the unit that sign-ups, matching and rosters belong to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from matcher.domain import (
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    SemesterStatus,
)
from matcher.models.base import Base, UTCDateTime, enum_type, utcnow

_INTAKE_SQL = f"status = '{SemesterStatus.INTAKE}'"


class Semester(Base):
    __tablename__ = "semesters"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(
            f"session_minutes BETWEEN {MIN_SESSION_MINUTES} AND {MAX_SESSION_MINUTES}",
            name="session_minutes_range",
        ),
        CheckConstraint(
            f"purged_at IS NULL OR status = '{SemesterStatus.CLOSED}'",
            name="purged_only_when_closed",
        ),
        # The public forms serve "the" semester taking sign-ups, so there may be only one.
        Index(
            "uq_semesters_one_intake",
            "status",
            unique=True,
            sqlite_where=text(_INTAKE_SQL),
            postgresql_where=text(_INTAKE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    session_minutes: Mapped[int] = mapped_column(default=60)
    status: Mapped[SemesterStatus] = mapped_column(
        enum_type(SemesterStatus, name="status_known", length=10), default=SemesterStatus.INTAKE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the semester's personal data was purged (services.purge): only these anonymous
    # counts remain of its applicants and pairs.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def is_closed(self) -> bool:
        return self.status == SemesterStatus.CLOSED

    def __repr__(self) -> str:
        return f"<Semester {self.id} {self.status}>"
