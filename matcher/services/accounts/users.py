"""Creating coordinator and admin accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import User, UserRole
from matcher.security.passwords import MIN_PASSWORD_LENGTH, hash_password
from matcher.services.audit import record_event
from matcher.services.errors import DomainError

# No whitespace and no NUL (which PostgreSQL text cannot hold) anywhere in an address.
EMAIL_PATTERN = re.compile(r"^[^@\s\x00]{1,64}@[^@\s\x00]+\.[^@\s\x00]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    email: str,
    name: str,
    password: str,
    *,
    admin: bool = False,
    actor: str,
    temporary: bool = False,
) -> User:
    """A new account; `temporary` when someone else chose the password, which the account must
    then replace at its first sign-in (the person who typed it knows it)."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise DomainError(f"{email!r} is not an email address.", field="email")
    name = name.replace("\x00", "").strip()
    if not 1 <= len(name) <= 80:
        raise DomainError("A name needs 1 to 80 characters (a pseudonym is fine).", field="name")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if db.session.scalars(select(User).where(User.email == email)).first() is not None:
        raise DomainError("An account with this email already exists.", field="email")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=UserRole.ADMIN if admin else UserRole.COORDINATOR,
        must_change_password=temporary,
    )
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.create",
        actor=actor,
        target=f"user:{user.id}",
        detail={"role": user.role, "temporary_password": temporary},
    )
    return user
