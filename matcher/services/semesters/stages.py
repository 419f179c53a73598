"""Creating semesters and moving them forward through intake → matching → active → closed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES, SEMESTER_STATUSES
from matcher.extensions import db
from matcher.models import MailKind, Semester, SemesterStatus
from matcher.models.base import utcnow
from matcher.services.audit import record_event
from matcher.services.errors import DomainError, NotFound
from matcher.services.mail.notices import remind_semester

# Moving a semester here emails its people (services.mail.notices.remind_semester).
REMINDERS = {
    SemesterStatus.ACTIVE: MailKind.SEMESTER_ACTIVE,
    SemesterStatus.CLOSED: MailKind.SEMESTER_CLOSED,
}


def intake_semester() -> Semester | None:
    """The one semester whose sign-up forms are open, if any."""
    return db.session.scalars(
        select(Semester).where(Semester.status == SemesterStatus.INTAKE)
    ).first()


def get_semester(name: str) -> Semester:
    semester = db.session.scalars(select(Semester).where(Semester.name == name.strip())).first()
    if semester is None:
        known = (
            ", ".join(db.session.scalars(select(Semester.name).order_by(Semester.id))) or "none yet"
        )
        raise NotFound(f"No semester is called {name!r} (known: {known}).", field="name")
    return semester


def list_semesters() -> list[Semester]:
    return list(db.session.scalars(select(Semester).order_by(Semester.starts_on, Semester.id)))


def create_semester(
    name: str, starts_on: date, ends_on: date, session_minutes: int = 60, *, actor: str
) -> Semester:
    name = name.replace("\x00", "").strip()  # PostgreSQL text cannot hold a NUL
    if not name or len(name) > 80:
        raise DomainError("A semester name needs 1 to 80 characters.", field="name")
    if ends_on < starts_on:
        raise DomainError(
            f"The semester ends ({ends_on}) before it starts ({starts_on}).", field="end"
        )
    if not MIN_SESSION_MINUTES <= session_minutes <= MAX_SESSION_MINUTES:
        raise DomainError(
            f"Session length must be between {MIN_SESSION_MINUTES} and {MAX_SESSION_MINUTES} minutes.",
            field="session_minutes",
        )
    taken = db.session.scalar(
        select(func.count()).select_from(Semester).where(Semester.name == name)
    )
    if taken:
        raise DomainError(f"A semester called {name!r} already exists.", field="name")
    open_one = intake_semester()
    if open_one is not None:
        raise DomainError(
            f"Semester {open_one.name!r} is still taking sign-ups (intake). "
            "Move it to matching before opening another.",
            field="name",
        )
    semester = Semester(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        session_minutes=session_minutes,
        status=SemesterStatus.INTAKE,
    )
    db.session.add(semester)
    db.session.flush()
    record_event("semester.create", actor=actor, target=f"semester:{semester.id}")
    return semester


def move_semester(semester: Semester, to_status: str, *, actor: str) -> Semester:
    """Forward only (steps may be skipped); `closed` is final."""
    try:
        target = SemesterStatus(to_status)
    except ValueError:
        allowed = ", ".join(SEMESTER_STATUSES)
        raise DomainError(
            f"Unknown status {to_status!r}; use one of {allowed}.", field="status"
        ) from None
    current = SemesterStatus(semester.status)  # a member even if just set from text
    if current == SemesterStatus.CLOSED:
        raise DomainError(
            f"Semester {semester.name!r} is closed; it can no longer change.", field="status"
        )
    if target == current:
        raise DomainError(f"Semester {semester.name!r} is already in {current}.", field="status")
    if target.rank < current.rank:
        raise DomainError(
            f"Semester {semester.name!r} is in {current}; it can only move forward "
            f"({' → '.join(SEMESTER_STATUSES)}).",
            field="status",
        )
    semester.status = target
    if target == SemesterStatus.CLOSED:
        semester.closed_at = utcnow()
    db.session.flush()
    record_event(
        "semester.status",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={"from": current, "to": target},
    )
    if target in REMINDERS:
        remind_semester(semester, REMINDERS[target], actor=actor)
    return semester
