"""Coordinator and admin accounts: the only people who see contact details."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String, false
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, UTCDateTime, enum_type, utcnow


class UserRole(StrEnum):
    COORDINATOR = "coordinator"
    ADMIN = "admin"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(
        enum_type(UserRole, name="role_known", length=12), default=UserRole.COORDINATOR
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on logout, password change and deactivation: every cookie carrying the old
    # value stops working on every worker at once.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Set while the password is one an admin (or the command line) chose and handed over; the
    # dashboard then sends the account to choose its own first (coordinator.views).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        """What the login cookie stores: the id and the current session token (see auth.session)."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
