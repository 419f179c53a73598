"""The semester overview: counts, the "where tutors are missing" heat map, and few-option students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.matching.windows import DAYS, MINUTES_PER_WEEK, parse_windows
from matcher.models import ACTIVE_MATCH_STATUSES, Applicant, ApplicantStatus, Match, Semester

SEOUL = ZoneInfo("Asia/Seoul")
HOURS = 24


@dataclass(frozen=True)
class Counts:
    by_role_status: dict[tuple[str, str], int]
    by_match_status: dict[str, int]
    approved_students: int
    students_matched: int  # confirmed
    students_proposed: int  # proposed or locked, not yet confirmed
    students_unmatched: int


def semester_counts(semester: Semester) -> Counts:
    rows = db.session.execute(
        select(Applicant.role, Applicant.status, func.count())
        .where(Applicant.semester_id == semester.id)
        .group_by(Applicant.role, Applicant.status)
    ).all()
    by_role_status = {(role, status): n for role, status, n in rows}
    match_rows = db.session.execute(
        select(Match.status, func.count())
        .where(Match.semester_id == semester.id)
        .group_by(Match.status)
    ).all()
    by_match = {status: n for status, n in match_rows}
    approved = by_role_status.get(("student", ApplicantStatus.APPROVED.value), 0)
    active = db.session.execute(
        select(Match.status, func.count(Match.student_id.distinct()))
        .join(Applicant, Applicant.id == Match.student_id)
        .where(
            Match.semester_id == semester.id,
            Match.status.in_([s.value for s in ACTIVE_MATCH_STATUSES]),
            Applicant.status == ApplicantStatus.APPROVED.value,
        )
        .group_by(Match.status)
    ).all()
    per_status = {status: n for status, n in active}
    matched = per_status.get("confirmed", 0)
    proposed = per_status.get("proposed", 0) + per_status.get("locked", 0)
    return Counts(
        by_role_status, by_match, approved, matched, proposed, approved - matched - proposed
    )


def _offset_minutes(zone: str, semester: Semester) -> int:
    """The zone's UTC offset on the semester's first day (the heat map shows that first week)."""
    moment = datetime.combine(semester.starts_on, time(12), ZoneInfo(zone))
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


@lru_cache(maxsize=4096)
def _seoul_hours(availability: str, shift: int) -> np.ndarray:
    """168 booleans: free for the whole hour, in Seoul's week, for windows shifted by `shift`."""
    free = np.zeros(MINUTES_PER_WEEK, dtype=bool)
    for window in parse_windows(availability):
        start = (window.start + shift) % MINUTES_PER_WEEK
        end = start + window.minutes
        free[start : min(end, MINUTES_PER_WEEK)] = True
        if end > MINUTES_PER_WEEK:
            free[: end - MINUTES_PER_WEEK] = True
    return free.reshape(7 * HOURS, 60).all(axis=1)


@dataclass(frozen=True)
class HeatCell:
    students: int
    tutors: int
    level: str  # CSS class suffix: "0" nobody, "ok" enough tutors, "1"-"4" growing shortage


@dataclass(frozen=True)
class HeatMap:
    days: tuple[str, ...]
    rows: list[tuple[int, list[HeatCell]]]  # (hour, one cell per day)


def shortage_level(students: int, tutors: int) -> str:
    if students == 0:
        return "0"
    missing = students - tutors
    if missing <= 0:
        return "ok"
    if missing == 1:
        return "1"
    if missing <= 3:
        return "2"
    return "3" if missing <= 7 else "4"


def heat_map(semester: Semester) -> HeatMap:
    """Approved students vs approved tutors free for each whole hour of the Seoul week.

    Uses each zone's offset in the semester's first week: a clock change later in the semester
    shifts a tutor by an hour, which the pair pages account for exactly.
    """
    people = db.session.execute(
        select(Applicant.role, Applicant.timezone, Applicant.availability).where(
            Applicant.semester_id == semester.id,
            Applicant.status == ApplicantStatus.APPROVED.value,
        )
    ).all()
    seoul = _offset_minutes("Asia/Seoul", semester)
    totals = {"student": np.zeros(7 * HOURS, dtype=int), "tutor": np.zeros(7 * HOURS, dtype=int)}
    offsets: dict[str, int] = {}
    for role, zone, availability in people:
        if zone not in offsets:
            offsets[zone] = _offset_minutes(zone, semester)
        totals[role] += _seoul_hours(availability, seoul - offsets[zone])
    students = totals["student"].reshape(7, HOURS)
    tutors = totals["tutor"].reshape(7, HOURS)
    rows = []
    for hour in range(HOURS):
        cells = []
        for day in range(7):
            s, t = int(students[day, hour]), int(tutors[day, hour])
            cells.append(HeatCell(s, t, shortage_level(s, t)))
        rows.append((hour, cells))
    return HeatMap(DAYS, rows)


def few_option_students(
    semester: Semester, feasible: dict[str, int], limit: int = 2
) -> list[tuple[Applicant, int]]:
    """Approved students with at most `limit` feasible tutors, fewest first."""
    ids = [pid for pid, n in feasible.items() if n <= limit and pid.startswith("S-")]
    if not ids:
        return []
    rows = db.session.scalars(
        select(Applicant).where(Applicant.semester_id == semester.id, Applicant.public_id.in_(ids))
    ).all()
    return sorted(((a, feasible[a.public_id]) for a in rows), key=lambda p: (p[1], p[0].public_id))
