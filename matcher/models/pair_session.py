"""A pair's weekly session: the schedule on the table, who accepted it, and when it was agreed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from matcher.models.base import Base, UTCDateTime, utcnow
from matcher.models.match import Match


class PairSession(Base):
    """One row per pair once its session has been proposed.

    ``starts`` holds the exact instants of every occurrence (UTC minutes since 1970, comma
    separated), so what both people accepted is what the calendar files write, even if the
    engine's preferences change later. ``revision`` rises with every change of the schedule:
    it is the calendar files' SEQUENCE, so re-importing replaces the old events. The session is
    agreed when both people accepted these starts (``agreed_at`` set); a change by either
    person clears the other's acceptance, so they are asked again.
    """

    __tablename__ = "pair_sessions"
    __table_args__ = (
        CheckConstraint(
            f"minutes BETWEEN {MIN_SESSION_MINUTES} AND {MAX_SESSION_MINUTES}", name="minutes_range"
        ),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint(
            "(agreed_at IS NOT NULL) = (student_accepted AND tutor_accepted)",
            name="agreed_exactly_when_both_accepted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    starts: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column()
    student_accepted: Mapped[bool] = mapped_column(default=False)
    tutor_accepted: Mapped[bool] = mapped_column(default=False)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who put the current schedule on the table: engine, student, tutor or coordinator.
    changed_by: Mapped[str] = mapped_column(String(12), default="engine")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)
    # The tutor's sessions overlap another of their pairs' (no separate time exists).
    overlaps: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    match: Mapped[Match] = relationship()

    @property
    def start_minutes(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.starts.split(",") if x)

    @property
    def agreed(self) -> bool:
        return self.agreed_at is not None

    def __repr__(self) -> str:
        return f"<PairSession match={self.match_id} r{self.revision}>"
