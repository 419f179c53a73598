"""Coordinator accounts: sign-in with lockout, password change, deactivation and reset."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from matcher.auth.passwords import DUMMY_HASH, MIN_PASSWORD_LENGTH, hash_password, verify_password
from matcher.extensions import db
from matcher.models import AuditEvent, User, UserRole
from matcher.models.base import utcnow
from matcher.models.user import new_session_token
from matcher.services.accounts.users import create_user, normalise_email
from matcher.services.audit import record_event, user_actor
from matcher.services.errors import DomainError, NotFound

# One message for every failure, so the page never tells whether an email has an account.
LOGIN_FAILED = (
    "Sign-in failed. Check your email and password; after several failed attempts, "
    "wait a few minutes before trying again."
)


class LoginFailed(DomainError):
    def __init__(self) -> None:
        super().__init__(LOGIN_FAILED)


def address_hash(address: str | None) -> str:
    """A keyed, truncated hash of the client address: lets us count attempts, never store the IP."""
    key = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{address or 'unknown'}|{key}".encode()).hexdigest()[:16]


def recent_address_failures(ip_hash: str, now: datetime) -> int:
    since = now - timedelta(minutes=current_app.config["LOGIN_ADDRESS_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "auth.login",
            AuditEvent.outcome == "failed",
            AuditEvent.at >= since,
            AuditEvent.detail["ip_hash"].as_string() == ip_hash,
        )
    )


def lock_delay(failures: int) -> timedelta | None:
    """No lock before the threshold, then base × 2^(failures beyond it), capped."""
    config = current_app.config
    beyond = failures - config["LOGIN_LOCK_AFTER_FAILURES"]
    if beyond < 0:
        return None
    seconds = config["LOGIN_LOCK_BASE_SECONDS"] * 2 ** min(beyond, 20)
    return timedelta(seconds=min(seconds, config["LOGIN_LOCK_MAX_SECONDS"]))


def _fail(user: User | None, ip_hash: str, reason: str) -> LoginFailed:
    record_event(
        "auth.login",
        actor="anonymous",
        target=f"user:{user.id}" if user else None,
        outcome="failed",
        detail={"ip_hash": ip_hash, "reason": reason},
    )
    return LoginFailed()


def authenticate(email: str, password: str, address: str | None) -> User:
    """The user whose credentials these are, or LoginFailed (flushed counters; the view commits).

    Every path verifies one argon2 hash, against the dummy hash when there is no usable account,
    so unknown, locked and known emails take about the same time.
    """
    now = utcnow()
    ip_hash = address_hash(address)
    email = normalise_email(email)[:254]
    user = None
    if "\x00" not in email:  # no account has one, and PostgreSQL text cannot hold it
        user = db.session.scalars(select(User).where(User.email == email)).first()
    if recent_address_failures(ip_hash, now) >= current_app.config["LOGIN_ADDRESS_LIMIT"]:
        verify_password(DUMMY_HASH, password)
        raise _fail(user, ip_hash, "address_limit")
    if user is None or not user.active:
        verify_password(DUMMY_HASH, password)
        raise _fail(user, ip_hash, "unknown" if user is None else "inactive")
    if user.locked_until is not None and user.locked_until > now:
        verify_password(DUMMY_HASH, password)
        raise _fail(user, ip_hash, "locked")
    if not verify_password(user.password_hash, password):
        # Increment in SQL so two simultaneous failures both count.
        db.session.execute(
            update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        )
        db.session.refresh(user)
        delay = lock_delay(user.failed_logins)
        if delay is not None:
            user.locked_until = now + delay
        raise _fail(user, ip_hash, "password")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    record_event("auth.login", actor=user_actor(user.id), target=f"user:{user.id}")
    return user


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
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == UserRole.ADMIN.value, User.active.is_(True), User.id != user.id)
    )


def reset_password(user: User, *, by: User) -> str:
    """A new temporary password (shown once, to be replaced at the next sign-in), lockout
    cleared, every session of the user ended."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    revoke_sessions(user)
    record_event("user.password_reset", actor=user_actor(by.id), target=f"user:{user.id}")
    return password
