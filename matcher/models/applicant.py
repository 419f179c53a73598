"""A student or tutor who signed up for one semester, with everything the matching rules need."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.models.base import Base, UTCDateTime, utcnow
from matcher.models.semester import Semester

PUBLIC_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


class Role(StrEnum):
    STUDENT = "student"
    TUTOR = "tutor"


class ApplicantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"


class ConsentSource(StrEnum):
    FORM = "form"
    IMPORT = "import"


GOALS = ("conversation", "grammar", "speech", "academic", "career", "test-prep")
LEVELS = ("beginner", "intermediate", "advanced")
GENDERS = ("female", "male", "other")
KOREAN_ABILITIES = ("none", "basic", "fluent")


def new_public_id(role: str) -> str:
    """A stable pseudonymous id (S-XXXXXXXX / T-XXXXXXXX) for URLs and exports instead of row numbers."""
    body = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))
    return f"{role[0].upper()}-{body}"


class Applicant(Base):
    __tablename__ = "applicants"
    __table_args__ = (
        UniqueConstraint("semester_id", "role", "email", name="uq_applicants_semester_role_email"),
        CheckConstraint("role IN ('student', 'tutor')", name="role_known"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'waitlisted', 'withdrawn')", name="status_known"
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("length(display_name) BETWEEN 1 AND 80", name="display_name_length"),
        CheckConstraint("capacity BETWEEN 1 AND 3", name="capacity_range"),
        CheckConstraint("role = 'tutor' OR capacity = 1", name="students_take_one_tutor"),
        CheckConstraint(
            "gender IS NULL OR gender IN ('female', 'male', 'other')", name="gender_known"
        ),
        CheckConstraint(
            "gender_preference IS NULL OR (role = 'student' AND gender_preference IN ('female', 'male'))",
            name="gender_preference_students_only",
        ),
        CheckConstraint(
            "korean IS NULL OR korean IN ('none', 'basic', 'fluent')", name="korean_known"
        ),
        CheckConstraint("language IN ('ko', 'en')", name="language_known"),
        CheckConstraint("consent_source IN ('form', 'import')", name="consent_source_known"),
        CheckConstraint("note IS NULL OR length(note) <= 500", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    semester_id: Mapped[int] = mapped_column(
        ForeignKey("semesters.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(8))
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    timezone: Mapped[str] = mapped_column(String(64))
    # Weekly windows in the person's local wall-clock time, in the import format
    # ("Mon 19:00-21:00; Sat 09:30-12:00"), merged and sorted.
    availability: Mapped[str] = mapped_column(Text)
    goals: Mapped[str] = mapped_column(String(120))  # ';'-joined, in GOALS order
    levels: Mapped[str] = mapped_column(String(60))  # student: one level; tutor: ';'-joined
    gender: Mapped[str | None] = mapped_column(String(8))
    gender_preference: Mapped[str | None] = mapped_column(String(8))
    korean: Mapped[str | None] = mapped_column(String(8))
    in_person: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int] = mapped_column(default=1)
    continue_with: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(2), default="ko")
    status: Mapped[str] = mapped_column(String(12), default=ApplicantStatus.PENDING.value)
    edit_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notice_version: Mapped[str] = mapped_column(String(20))
    consent_source: Mapped[str] = mapped_column(String(8), default=ConsentSource.FORM.value)
    # Set for a dashboard import or `applicants import --by`; NULL for a command-line import
    # without --by (the audit event then names the command line as the actor).
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    semester: Mapped[Semester] = relationship()

    @property
    def goal_list(self) -> list[str]:
        return [g for g in self.goals.split(";") if g]

    @property
    def level_list(self) -> list[str]:
        return [lv for lv in self.levels.split(";") if lv]

    def __repr__(self) -> str:
        return f"<Applicant {self.public_id} {self.role} {self.status}>"
