"""Failed sign-ins counted per account AND per client address, so a lock never follows its owner.

A lock on the whole account would let anyone who knows a coordinator's email keep them out
forever with five wrong passwords an hour. Counted per (account, address), the lock stops the
address that keeps failing, while the owner signs in from any address that has not failed.
The address is stored only as a keyed hash (services.accounts.coordinators.address_hash).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, UTCDateTime, utcnow


class LoginLock(Base):
    __tablename__ = "login_locks"
    __table_args__ = (
        UniqueConstraint("user_id", "ip_hash", name="uq_login_locks_user_address"),
        CheckConstraint("failures >= 0", name="failures_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ip_hash: Mapped[str] = mapped_column(String(16))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<LoginLock user={self.user_id} failures={self.failures}>"
