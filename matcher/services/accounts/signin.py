"""Coordinator sign-in: one answer for every failure, and locks that never follow their owner.

Failed passwords are counted per (account, client address) in ``login_locks``: an address that
keeps failing is locked out of that account for a doubling delay, while the account's owner
signs in from any address that has not failed. Floods are stopped before this code runs, by the
rate limits on ``/login`` (auth.limits), so no password hash is spent on them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import AuditEvent, LoginLock, User
from matcher.models.base import utcnow
from matcher.security.passwords import DUMMY_HASH, verify_password
from matcher.services.accounts.users import normalise_email
from matcher.services.audit import record_event, user_actor
from matcher.services.errors import DomainError

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
    return db.session.execute(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "auth.login",
            AuditEvent.outcome == "failed",
            AuditEvent.at >= since,
            AuditEvent.detail["ip_hash"].as_string() == ip_hash,
        )
    ).scalar_one()


def lock_delay(failures: int) -> timedelta | None:
    """No lock before the threshold, then base × 2^(failures beyond it), capped."""
    config = current_app.config
    beyond = failures - config["LOGIN_LOCK_AFTER_FAILURES"]
    if beyond < 0:
        return None
    seconds = config["LOGIN_LOCK_BASE_SECONDS"] * 2 ** min(beyond, 20)
    return timedelta(seconds=min(seconds, config["LOGIN_LOCK_MAX_SECONDS"]))


def lock_for(user: User, ip_hash: str) -> LoginLock | None:
    return db.session.scalars(
        select(LoginLock).where(LoginLock.user_id == user.id, LoginLock.ip_hash == ip_hash)
    ).first()


def _count_failure(user: User, ip_hash: str, now: datetime) -> LoginLock:
    """One more failure for (user, address), counted in SQL so simultaneous failures all count."""
    if lock_for(user, ip_hash) is None:
        try:
            with db.session.begin_nested():
                db.session.add(LoginLock(user_id=user.id, ip_hash=ip_hash, failures=0))
        except IntegrityError:  # another request from the same address made the row first
            pass
    db.session.execute(
        update(LoginLock)
        .where(LoginLock.user_id == user.id, LoginLock.ip_hash == ip_hash)
        .values(failures=LoginLock.failures + 1, updated_at=now)
    )
    lock = lock_for(user, ip_hash)
    assert lock is not None
    db.session.refresh(lock)
    delay = lock_delay(lock.failures)
    if delay is not None:
        lock.locked_until = now + delay
    # Forget addresses that have been quiet for a day: their count starts again from zero.
    forget = now - timedelta(hours=current_app.config["LOGIN_LOCK_FORGET_HOURS"])
    db.session.execute(
        delete(LoginLock).where(LoginLock.user_id == user.id, LoginLock.updated_at < forget)
    )
    db.session.flush()
    return lock


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
    lock = lock_for(user, ip_hash)
    if lock is not None and lock.locked_until is not None and lock.locked_until > now:
        verify_password(DUMMY_HASH, password)
        raise _fail(user, ip_hash, "locked")
    if not verify_password(user.password_hash, password):
        _count_failure(user, ip_hash, now)
        raise _fail(user, ip_hash, "password")
    if lock is not None:  # this address proved itself; other addresses keep their counts
        db.session.delete(lock)
    user.last_login_at = now
    db.session.flush()
    record_event("auth.login", actor=user_actor(user.id), target=f"user:{user.id}")
    return user


def locked_addresses(now: datetime | None = None) -> dict[int, int]:
    """For the accounts page: user id -> how many addresses are locked out of it right now."""
    now = now or utcnow()
    rows = db.session.execute(
        select(LoginLock.user_id, func.count())
        .where(LoginLock.locked_until > now)
        .group_by(LoginLock.user_id)
    ).all()
    return {user_id: count for user_id, count in rows}


def clear_locks(user: User) -> int:
    """Lift every address's lock on this account (admin reset, `flask users unlock`)."""
    # A DELETE's result is a CursorResult, which counts the rows it removed.
    result = cast(
        CursorResult[Any], db.session.execute(delete(LoginLock).where(LoginLock.user_id == user.id))
    )
    db.session.flush()
    return int(result.rowcount or 0)


def unlock_account(email: str, *, actor: str) -> int:
    """`flask users unlock EMAIL`: lift every address's lock on the account; audited."""
    user = db.session.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise DomainError(f"No account signs in with {email!r}.")
    lifted = clear_locks(user)
    record_event("user.unlock", actor=actor, target=f"user:{user.id}", detail={"locks": lifted})
    return lifted
