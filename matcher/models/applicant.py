"""A student or tutor who signed up for one semester, with everything the matching rules need."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from matcher.crypto.fields import EncryptedText
from matcher.crypto.lookup import email_hash, normalise_email
from matcher.domain import (
    GENDER_PREFERENCES,
    MAX_CAPACITY,
    MAX_EMAIL,
    MAX_NAME,
    MAX_NOTE,
    MIN_CAPACITY,
    ApplicantStatus,
    ConsentSource,
    Gender,
    KoreanAbility,
    Language,
    Role,
)
from matcher.models.base import Base, UTCDateTime, enum_type, utcnow
from matcher.models.semester import Semester

PUBLIC_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
# Names, emails and notes are encrypted, so the database cannot check their lengths: the
# validators below re-check the domain limits the services check first (with a message).


def new_public_id(role: str) -> str:
    """A stable pseudonymous id (S-XXXXXXXX / T-XXXXXXXX) for URLs and exports instead of row numbers."""
    body = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))
    return f"{role[0].upper()}-{body}"


class Applicant(Base):
    __tablename__ = "applicants"
    __table_args__ = (
        # The email itself is encrypted (random nonce), so uniqueness goes through its keyed hash.
        UniqueConstraint(
            "semester_id", "role", "email_hash", name="uq_applicants_semester_role_email_hash"
        ),
        CheckConstraint(
            f"capacity BETWEEN {MIN_CAPACITY} AND {MAX_CAPACITY}", name="capacity_range"
        ),
        CheckConstraint(f"role = '{Role.TUTOR}' OR capacity = 1", name="students_take_one_tutor"),
        CheckConstraint(
            f"gender_preference IS NULL OR (role = '{Role.STUDENT}' AND gender_preference IN "
            f"{GENDER_PREFERENCES!r})",
            name="gender_preference_students_only",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    semester_id: Mapped[int] = mapped_column(
        ForeignKey("semesters.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, name="role_known", length=8))
    # Personal fields are encrypted at rest (matcher.crypto); the database sees only ciphertext,
    # so their length and case rules are checked in Python (the validators below), not by CHECKs.
    display_name: Mapped[str] = mapped_column(EncryptedText("display_name"))
    email: Mapped[str] = mapped_column(EncryptedText("email"))
    email_hash: Mapped[str] = mapped_column(String(64))  # set with email; see matcher.crypto.lookup
    timezone: Mapped[str] = mapped_column(String(64))
    # Weekly windows in the person's local wall-clock time, in the import format
    # ("Mon 19:00-21:00; Sat 09:30-12:00"), merged and sorted.
    availability: Mapped[str] = mapped_column(Text)
    goals: Mapped[str] = mapped_column(String(120))  # ';'-joined, in domain GOALS order
    levels: Mapped[str] = mapped_column(String(60))  # student: one level; tutor: ';'-joined
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, name="gender_known", length=8))
    gender_preference: Mapped[str | None] = mapped_column(String(8))
    korean: Mapped[KoreanAbility | None] = mapped_column(
        enum_type(KoreanAbility, name="korean_known", length=8)
    )
    in_person: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int] = mapped_column(default=1)
    continue_with: Mapped[str | None] = mapped_column(EncryptedText("continue_with"))
    note: Mapped[str | None] = mapped_column(EncryptedText("note"))
    language: Mapped[Language] = mapped_column(
        enum_type(Language, name="language_known", length=2), default=Language.KO
    )
    # Whether the partner may be given this person's email once matched (the contract's
    # share_contact); otherwise the partner learns only the display name.
    share_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[ApplicantStatus] = mapped_column(
        enum_type(ApplicantStatus, name="status_known", length=12), default=ApplicantStatus.PENDING
    )
    edit_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notice_version: Mapped[str] = mapped_column(String(20))
    consent_source: Mapped[ConsentSource] = mapped_column(
        enum_type(ConsentSource, name="consent_source_known", length=8), default=ConsentSource.FORM
    )
    # Set for a dashboard import or `applicants import --by`; NULL for a command-line import
    # without --by (the audit event then names the command line as the actor).
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When a coordinator erased this person's data on request (services.applicants.review):
    # the row stays, anonymous, for the semester's counts and the audit trail.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    semester: Mapped[Semester] = relationship()

    @validates("email")
    def _keep_email_hash(self, _key: str, email: str) -> str:
        """The hash follows every email change, so look-ups and uniqueness can never go stale."""
        if email != normalise_email(email) or not 1 <= len(email) <= MAX_EMAIL:
            raise ValueError("an applicant's email is stored trimmed and lowercased, 1-254 chars")
        self.email_hash = email_hash(email)
        return email

    @validates("display_name")
    def _check_display_name(self, _key: str, name: str) -> str:
        if not 1 <= len(name) <= MAX_NAME:
            raise ValueError(f"a display name has 1 to {MAX_NAME} characters")
        return name

    @validates("note")
    def _check_note(self, _key: str, note: str | None) -> str | None:
        if note is not None and len(note) > MAX_NOTE:
            raise ValueError(f"a note has at most {MAX_NOTE} characters")
        return note

    @validates("continue_with")
    def _check_continue_with(self, _key: str, email: str | None) -> str | None:
        if email is not None and (email != normalise_email(email) or len(email) > MAX_EMAIL):
            raise ValueError("continue_with is a trimmed, lowercased email of at most 254 chars")
        return email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def goal_list(self) -> list[str]:
        return [g for g in self.goals.split(";") if g]

    @property
    def level_list(self) -> list[str]:
        return [lv for lv in self.levels.split(";") if lv]

    def __repr__(self) -> str:
        return f"<Applicant {self.public_id} {self.role} {self.status}>"
