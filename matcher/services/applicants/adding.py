"""Adding applicants to a semester, from the public form or a coordinator's import."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from matcher.crypto.lookup import email_hash
from matcher.extensions import db
from matcher.matching.windows import WeeklyWindow, format_windows
from matcher.models import Applicant, ApplicantStatus, ConsentSource, Semester
from matcher.models.applicant import GOALS, LEVELS, new_public_id
from matcher.services.errors import DomainError


class ApplicantFields(Protocol):
    """The contract's fields, already validated (the import parser's records have this shape).

    Read-only, so frozen dataclasses (drafts, import records) match it.
    """

    @property
    def role(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def timezone(self) -> str: ...

    @property
    def windows(self) -> tuple[WeeklyWindow, ...]: ...

    @property
    def goals(self) -> frozenset[str]: ...

    @property
    def levels(self) -> frozenset[str]: ...

    @property
    def gender(self) -> str | None: ...

    @property
    def gender_preference(self) -> str | None: ...

    @property
    def korean(self) -> str | None: ...

    @property
    def in_person(self) -> bool: ...

    @property
    def capacity(self) -> int: ...

    @property
    def continue_with(self) -> str | None: ...


@dataclass(frozen=True)
class ApplicantDraft:
    """A concrete :class:`ApplicantFields`: the sign-up forms and the demo data build these."""

    role: str
    display_name: str
    email: str
    timezone: str
    windows: tuple[WeeklyWindow, ...]
    goals: frozenset[str]
    levels: frozenset[str]
    gender: str | None
    gender_preference: str | None
    korean: str | None
    in_person: bool
    capacity: int
    continue_with: str | None


def join_in_order(values: Iterable[str], order: tuple[str, ...]) -> str:
    """Store sets in the contract's order so equal sets are equal strings."""
    chosen = set(values)
    return ";".join(v for v in order if v in chosen)


def hash_edit_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_edit_token() -> tuple[str, str]:
    """A private-link token (256 bits) and the hash that is all the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, hash_edit_token(token)


def find_applicant(semester: Semester, role: str, email: str) -> Applicant | None:
    """By the email's keyed hash: the email itself is encrypted and cannot be compared in SQL."""
    return db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.role == role,
            Applicant.email_hash == email_hash(email),
        )
    ).first()


def apply_fields(applicant: Applicant, fields: ApplicantFields) -> None:
    applicant.role = fields.role
    applicant.display_name = fields.display_name
    applicant.email = fields.email.strip().lower()
    applicant.timezone = fields.timezone
    applicant.availability = format_windows(fields.windows)
    applicant.goals = join_in_order(fields.goals, GOALS)
    applicant.levels = join_in_order(fields.levels, LEVELS)
    applicant.gender = fields.gender or None
    applicant.gender_preference = fields.gender_preference or None
    applicant.korean = fields.korean or None
    applicant.in_person = bool(fields.in_person)
    applicant.capacity = fields.capacity if fields.role == "tutor" else 1
    applicant.continue_with = (fields.continue_with or "").strip().lower() or None


def add_applicant(
    semester: Semester,
    fields: ApplicantFields,
    *,
    status: str = ApplicantStatus.PENDING.value,
    consent_source: str = ConsentSource.FORM.value,
    notice_version: str,
    language: str = "ko",
    note: str | None = None,
    imported_by_id: int | None = None,
) -> Applicant:
    if semester.is_closed:
        raise DomainError(f"Semester {semester.name!r} is closed.")
    if find_applicant(semester, fields.role, fields.email) is not None:
        raise DomainError("This email has already applied this semester.", field="email")
    applicant = Applicant(
        public_id=new_public_id(fields.role),
        semester_id=semester.id,
        status=status,
        consent_source=consent_source,
        notice_version=notice_version,
        language=language,
        note=note or None,
        imported_by_id=imported_by_id,
    )
    apply_fields(applicant, fields)
    db.session.add(applicant)
    db.session.flush()
    return applicant
