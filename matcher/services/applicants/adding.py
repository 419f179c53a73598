"""Adding applicants to a semester, from the public form or a coordinator's import."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select

from matcher.crypto.lookup import email_hash
from matcher.domain import (
    GOALS,
    LEVELS,
    ApplicantDraft,
    Gender,
    KoreanAbility,
    Language,
    Role,
)
from matcher.domain.windows import format_windows
from matcher.extensions import db
from matcher.models import Applicant, ApplicantStatus, ConsentSource, Semester
from matcher.models.applicant import new_public_id
from matcher.services.errors import DomainError


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


def apply_fields(applicant: Applicant, fields: ApplicantDraft) -> None:
    """Copy the contract's fields onto a row (not the language or note: only the form edits those)."""
    applicant.role = fields.role
    applicant.display_name = fields.display_name
    applicant.email = fields.email.strip().lower()
    applicant.timezone = fields.timezone
    applicant.availability = format_windows(fields.windows)
    applicant.goals = join_in_order(fields.goals, GOALS)
    applicant.levels = join_in_order(fields.levels, LEVELS)
    applicant.gender = Gender(fields.gender) if fields.gender else None
    applicant.gender_preference = fields.gender_preference or None
    applicant.korean = KoreanAbility(fields.korean) if fields.korean else None
    applicant.in_person = bool(fields.in_person)
    applicant.capacity = fields.capacity if fields.role == Role.TUTOR else 1
    applicant.continue_with = (fields.continue_with or "").strip().lower() or None
    # Optional: a form always answers; a file without the column leaves the answer as it was
    # (None), and a new person who was never asked shares nothing.
    share_contact = getattr(fields, "share_contact", None)
    if share_contact is not None:
        applicant.share_contact = bool(share_contact)
    elif applicant.share_contact is None:
        applicant.share_contact = False


def add_applicant(
    semester: Semester,
    fields: ApplicantDraft,
    *,
    status: str = ApplicantStatus.PENDING,
    consent_source: str = ConsentSource.FORM,
    notice_version: str,
    imported_by_id: int | None = None,
) -> Applicant:
    """Store a new applicant from a draft; refuses a closed semester or an email already in it.

    A draft without a chosen language gets Korean, as every caller without a form always did.
    """
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
        language=fields.language or Language.KO,
        note=fields.note or None,
        imported_by_id=imported_by_id,
    )
    apply_fields(applicant, fields)
    db.session.add(applicant)
    db.session.flush()
    return applicant
