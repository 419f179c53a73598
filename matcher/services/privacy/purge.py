"""Retention and purge: a closed semester's personal data is kept for a while, then removed for good."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Engine, delete, select

from matcher.extensions import db
from matcher.models import (
    Applicant,
    AuditEvent,
    Exclusion,
    Match,
    MatchRun,
    MatchStatus,
    Semester,
)
from matcher.models.base import utcnow
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.mail.outbox import forget_unsent_mail_of_semester

# The documented default: a closed semester's personal data is kept 12 months (long enough for
# next year's same-term semester to look back), then it is due for purging. RETENTION_MONTHS in
# the app config overrides it.
DEFAULT_RETENTION_MONTHS = 12
PURGED_TABLES = (Exclusion, Match, MatchRun, Applicant)  # children first
REMOVED_REASON = "(removed by the purge)"


def retention_months() -> int:
    return int(current_app.config.get("RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retention_ends(semester: Semester, months: int | None = None) -> datetime | None:
    """When a closed semester's personal data becomes due for purging; None while it is open."""
    if semester.closed_at is None:
        return None
    return add_months(semester.closed_at, retention_months() if months is None else months)


def semesters_past_retention(
    *, months: int | None = None, now: datetime | None = None
) -> list[Semester]:
    """Closed, not yet purged semesters closed at least ``months`` ago (the dashboard's reminder)."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Semester)
        .where(Semester.status == "closed", Semester.purged_at.is_(None))
        .order_by(Semester.closed_at, Semester.id)
    )
    return [
        s for s in candidates if (ends := retention_ends(s, months)) is not None and ends <= now
    ]


def anonymous_counts(semester: Semester) -> dict[str, Any]:
    """What is kept after a purge: how many applicants and pairs there were, by status. No ids."""
    applicants = db.session.execute(
        select(Applicant.id, Applicant.role, Applicant.status).where(
            Applicant.semester_id == semester.id
        )
    ).all()
    pairs = db.session.execute(
        select(Match.student_id, Match.tutor_id, Match.status).where(
            Match.semester_id == semester.id
        )
    ).all()
    on_record = (MatchStatus.CONFIRMED, MatchStatus.ENDED)
    paired = {p.student_id for p in pairs if p.status in on_record} | {
        p.tutor_id for p in pairs if p.status in on_record
    }
    counts: dict[str, Any] = {}
    for role in ("student", "tutor"):
        mine = [a for a in applicants if a.role == role]
        counts[f"{role}s"] = dict(sorted(Counter(a.status for a in mine).items()))
        counts[f"{role}s_paired"] = sum(1 for a in mine if a.id in paired)
    counts["pairs"] = dict(sorted(Counter(p.status for p in pairs).items()))
    counts["exclusions"] = len(
        db.session.scalars(select(Exclusion.id).where(Exclusion.semester_id == semester.id)).all()
    )
    counts["match_runs"] = len(
        db.session.scalars(select(MatchRun.id).where(MatchRun.semester_id == semester.id)).all()
    )
    return counts


def check_purgeable(semester: Semester) -> None:
    if not semester.is_closed:
        raise DomainError(
            f"Semester {semester.name!r} is {semester.status}; only closed semesters can be purged.",
            field="semester",
        )
    if semester.purged_at is not None:
        raise DomainError(
            f"Semester {semester.name!r} was already purged on {semester.purged_at:%Y-%m-%d}.",
            field="semester",
        )


def purge_semester(semester: Semester, *, actor: str) -> dict[str, Any]:
    """Delete every applicant, pair, exclusion and matching run of a closed semester.

    That removes the names, emails, notes, availability and free-text reasons at once; the
    semester row stays with its anonymous counts and the time of the purge. Audit events keep
    only ids (``applicant:S-…``), which point at nothing afterwards. The caller commits and then
    calls ``wipe_freed_space`` so the deleted bytes do not linger in the database file.
    """
    check_purgeable(semester)
    counts = anonymous_counts(semester)
    forget_unsent_mail_of_semester(semester.id)  # private links go with the applicants (cascade)
    for model in PURGED_TABLES:
        db.session.execute(
            delete(model).where(model.semester_id == semester.id),
            execution_options={"synchronize_session": False},
        )
    db.session.expire_all()
    removed_reasons = _remove_export_reasons(semester)
    semester.purged_at = utcnow()
    semester.purged_counts = counts
    db.session.flush()
    record_event(
        "semester.purge",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={**counts, "export_reasons_removed": removed_reasons},
    )
    return counts


def _remove_export_reasons(semester: Semester) -> int:
    """Blank the free-text reasons coordinators gave for this semester's contact exports.

    Every other audit detail holds ids, counts and fixed words; an export reason is typed by a
    person and may name someone ("for Ms Kim's caseworker"), so it goes with the semester's
    personal data. The event itself (who exported, when, which export id) stays.
    """
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "roster.export",
            AuditEvent.target == f"semester:{semester.id}",
        )
    ).all()
    removed = 0
    for event in events:
        if event.detail.get("reason"):
            event.detail = {**event.detail, "reason": REMOVED_REASON}
            removed += 1
    return removed


def wipe_freed_space(engine: Engine) -> bool:
    """After the commit, rewrite the SQLite file so deleted rows cannot be read from its bytes.

    ``secure_delete`` (set on every connection) zeroes freed pages, but older copies of those
    pages can still sit in the write-ahead log or in the main file until a checkpoint, so:
    checkpoint and truncate the WAL, VACUUM (rebuilds the file from live rows only), and
    checkpoint again. Runs on a raw connection because VACUUM cannot run inside the
    transaction SQLAlchemy would begin. Returns False if a reader kept the checkpoint from
    completing (run the purge's wipe again when the service is quiet). Other engines: nothing
    to do here; PostgreSQL reclaims space with its own VACUUM.
    """
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        complete = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
        cursor.execute("VACUUM")
        complete = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0 and complete
        cursor.close()
    finally:
        raw.close()
    return complete
