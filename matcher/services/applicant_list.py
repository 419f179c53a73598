"""The applicants table: search, filters and server-side pagination for one semester."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, or_, select

from matcher.extensions import db
from matcher.models import Applicant, Semester

PAGE_SIZE = 50
FEW_OPTIONS = 2  # students with this many feasible tutors or fewer are highlighted


@dataclass(frozen=True)
class ApplicantQuery:
    text: str = ""
    role: str = ""
    status: str = ""
    goal: str = ""
    level: str = ""
    timezone: str = ""
    options: str = ""  # "few": at most FEW_OPTIONS feasible partners; "none": zero
    page: int = 1


@dataclass(frozen=True)
class ApplicantPage:
    rows: list[Applicant]
    total: int
    page: int
    pages: int


def _like(column, text: str):  # type: ignore[no-untyped-def]
    return func.lower(column).contains(text.lower(), autoescape=True)


def _filtered(semester: Semester, query: ApplicantQuery) -> Select:
    stmt = select(Applicant).where(Applicant.semester_id == semester.id)
    text = query.text.strip().replace("\x00", "")[:100]
    if text:
        stmt = stmt.where(
            or_(
                _like(Applicant.display_name, text),
                _like(Applicant.email, text),
                _like(Applicant.public_id, text),
            )
        )
    if query.role:
        stmt = stmt.where(Applicant.role == query.role)
    if query.status:
        stmt = stmt.where(Applicant.status == query.status)
    if query.goal:
        stmt = stmt.where(_like(";" + Applicant.goals + ";", f";{query.goal};"))
    if query.level:
        stmt = stmt.where(_like(";" + Applicant.levels + ";", f";{query.level};"))
    if query.timezone:
        stmt = stmt.where(Applicant.timezone == query.timezone)
    return stmt


def search_applicants(
    semester: Semester, query: ApplicantQuery, feasible: dict[str, int] | None = None
) -> ApplicantPage:
    """One page of matching applicants, oldest sign-up first.

    The option-count filter needs the engine's counts (`feasible`, by public id); it becomes a
    public-id filter in SQL so paging still happens in the database.
    """
    stmt = _filtered(semester, query)
    if query.options and feasible is not None:
        limit = 0 if query.options == "none" else FEW_OPTIONS
        chosen = [pid for pid, n in feasible.items() if n <= limit]
        stmt = stmt.where(Applicant.public_id.in_(chosen))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, query.page), pages)
    rows = db.session.scalars(
        stmt.order_by(Applicant.created_at, Applicant.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return ApplicantPage(list(rows), total, page, pages)


def semester_timezones(semester: Semester) -> list[str]:
    return list(
        db.session.scalars(
            select(Applicant.timezone)
            .where(Applicant.semester_id == semester.id)
            .distinct()
            .order_by(Applicant.timezone)
        )
    )
