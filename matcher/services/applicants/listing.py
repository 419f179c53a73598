"""The applicants table: search, filters and server-side pagination for one semester."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

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
    sort: str = ""  # "" (sign-up order), or one of SORTS
    page: int = 1


# Name and partner counts are sorted in Python (names are encrypted; counts come from the engine).
SORTS = ("name", "status", "timezone", "options")


@dataclass(frozen=True)
class ApplicantPage:
    rows: list[Applicant]
    total: int
    page: int
    pages: int


def _like(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def _filtered(semester: Semester, query: ApplicantQuery) -> Select:
    """Every filter except the free-text search, which cannot run in SQL (see _matches_text)."""
    stmt = select(Applicant).where(Applicant.semester_id == semester.id)
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


def _folded(text: str) -> str:
    """NFC then casefold, so decomposed Hangul and any letter case find the same name."""
    return unicodedata.normalize("NFC", text).casefold()


def _matches_text(applicant: Applicant, needle: str) -> bool:
    """Names and emails are encrypted in the database, so the search runs here, after decryption.

    A semester has hundreds of applicants, not millions: decrypting the semester's filtered rows
    per search costs milliseconds.
    """
    return any(
        needle in _folded(value)
        for value in (applicant.display_name, applicant.email, applicant.public_id)
    )


def search_applicants(
    semester: Semester, query: ApplicantQuery, feasible: dict[str, int] | None = None
) -> ApplicantPage:
    """One page of matching applicants, oldest sign-up first.

    The option-count filter needs the engine's counts (`feasible`, by public id); it becomes a
    public-id filter in SQL. Without search text, paging happens in the database; with it, the
    filtered rows are searched and paged in Python.
    """
    stmt = _filtered(semester, query)
    if query.options and feasible is not None:
        limit = 0 if query.options == "none" else FEW_OPTIONS
        chosen = [pid for pid, n in feasible.items() if n <= limit]
        stmt = stmt.where(Applicant.public_id.in_(chosen))
    in_database = {"status": Applicant.status, "timezone": Applicant.timezone}
    first = in_database.get(query.sort)
    order = (first,) if first is not None else ()
    stmt = stmt.order_by(*order, Applicant.created_at, Applicant.id)
    needle = _folded(query.text.strip().replace("\x00", "")[:100])
    in_python = bool(needle) or query.sort in ("name", "options")
    if in_python:
        found = [a for a in db.session.scalars(stmt) if not needle or _matches_text(a, needle)]
        if query.sort == "name":
            found.sort(key=lambda a: _folded(a.display_name))  # stable: ties keep sign-up order
        elif query.sort == "options":
            counts = feasible or {}
            found.sort(key=lambda a: counts.get(a.public_id, 0))
        total = len(found)
    else:
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page = min(max(1, query.page), pages)
    start = (page - 1) * PAGE_SIZE
    if in_python:
        rows = found[start : start + PAGE_SIZE]
    else:
        rows = list(db.session.scalars(stmt.offset(start).limit(PAGE_SIZE)))
    return ApplicantPage(rows, total, page, pages)


def semester_timezones(semester: Semester) -> list[str]:
    return list(
        db.session.scalars(
            select(Applicant.timezone)
            .where(Applicant.semester_id == semester.id)
            .distinct()
            .order_by(Applicant.timezone)
        )
    )
