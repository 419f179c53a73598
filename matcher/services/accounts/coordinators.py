"""Coordinator accounts: sign-out, password change, deactivation and reset (sign-in: .signin)."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import User, UserRole
from matcher.models.user import new_session_token
from matcher.security.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from matcher.services.accounts.signin import clear_locks
from matcher.services.accounts.users import create_user
from matcher.services.audit import record_event, user_actor
from matcher.services.errors import DomainError, NotFound


def revoke_sessions(user: User) -> None:
    """A new session token: every cookie carrying the old one is refused on its next request."""
    user.session_token = new_session_token()
    db.session.flush()


def log_out(user: User) -> None:
    revoke_sessions(user)
    record_event("auth.logout", actor=user_actor(user.id), target=f"user:{user.id}")


def check_new_password(password: str, confirm: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"The new password needs at least {MIN_PASSWORD_LENGTH} characters.", field="new"
        )
    if len(password) > 1024:
        raise DomainError("The new password is too long (1024 characters at most).", field="new")
    if password != confirm:
        raise DomainError("The two new passwords differ.", field="confirm")


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Changing the password signs out every other session (and this one gets a fresh token).

    It also ends a temporary password's hold on the dashboard: the account chose its own.
    """
    if not verify_password(user.password_hash, current):
        record_event(
            "auth.password_change",
            actor=user_actor(user.id),
            target=f"user:{user.id}",
            outcome="failed",
        )
        raise DomainError("The current password is wrong.", field="current")
    check_new_password(new, confirm)
    if new == current:
        raise DomainError("Choose a password different from the current one.", field="new")
    replaced_temporary = user.must_change_password
    user.password_hash = hash_password(new)
    user.must_change_password = False
    revoke_sessions(user)
    record_event(
        "auth.password_change",
        actor=user_actor(user.id),
        target=f"user:{user.id}",
        detail={"replaced_temporary": replaced_temporary},
    )


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name, User.id)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    return user


def temporary_password() -> str:
    """Shown once to the admin, who passes it on; about 96 bits, easy to read aloud."""
    return "-".join(secrets.token_hex(3) for _ in range(4))


def create_coordinator(email: str, name: str, *, admin: bool, by: User) -> tuple[User, str]:
    """The admin sees the password, so the new account must replace it at its first sign-in."""
    password = temporary_password()
    user = create_user(email, name, password, admin=admin, actor=user_actor(by.id), temporary=True)
    return user, password


def set_active(user: User, active: bool, *, by: User) -> None:
    """Deactivating revokes the account's sessions at once; an admin cannot lock themself out."""
    if user.id == by.id:
        raise DomainError("You cannot deactivate your own account.")
    if not active and user.role == UserRole.ADMIN and _other_active_admins(user) == 0:
        raise DomainError("At least one active admin must remain.")
    user.active = active
    revoke_sessions(user)
    record_event(
        "user.deactivate" if not active else "user.reactivate",
        actor=user_actor(by.id),
        target=f"user:{user.id}",
    )


def _other_active_admins(user: User) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(User)
        .where(User.role == UserRole.ADMIN, User.active.is_(True), User.id != user.id)
    ).scalar_one()


def reset_password(user: User, *, by: User) -> str:
    """A new temporary password (shown once, to be replaced at the next sign-in), lockout
    cleared, every session of the user ended."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    clear_locks(user)
    revoke_sessions(user)
    record_event("user.password_reset", actor=user_actor(by.id), target=f"user:{user.id}")
    return password
