"""The semester overview: counts, the "where tutors are missing" heat map, and few-option students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, or_, select

from matcher.domain.windows import DAYS, MINUTES_PER_WEEK, parse_windows
from matcher.extensions import db
from matcher.models import (
    ACTIVE_MATCH_STATUSES,
    Applicant,
    ApplicantStatus,
    Match,
    MatchStatus,
    Role,
    Semester,
)

SEOUL = ZoneInfo("Asia/Seoul")
HOURS = 24


@dataclass(frozen=True)
class Counts:
    by_role_status: dict[tuple[Role, ApplicantStatus], int]
    by_match_status: dict[MatchStatus, int]
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
    # "Ended" counts pairs that were agreed and then ended, as the roster does; a proposal
    # dropped before anyone confirmed it (excluded, replaced, re-run) was never a pair.
    match_rows = db.session.execute(
        select(Match.status, func.count())
        .where(
            Match.semester_id == semester.id,
            or_(Match.status != MatchStatus.ENDED, Match.confirmed_at.is_not(None)),
        )
        .group_by(Match.status)
    ).all()
    by_match = {status: n for status, n in match_rows}
    approved = by_role_status.get((Role.STUDENT, ApplicantStatus.APPROVED), 0)
    active = db.session.execute(
        select(Match.status, func.count(Match.student_id.distinct()))
        .join(Applicant, Applicant.id == Match.student_id)
        .where(
            Match.semester_id == semester.id,
            Match.status.in_(ACTIVE_MATCH_STATUSES),
            Applicant.status == ApplicantStatus.APPROVED,
        )
        .group_by(Match.status)
    ).all()
    per_status = {status: n for status, n in active}
    matched = per_status.get(MatchStatus.CONFIRMED, 0)
    proposed = per_status.get(MatchStatus.PROPOSED, 0) + per_status.get(MatchStatus.LOCKED, 0)
    return Counts(
        by_role_status, by_match, approved, matched, proposed, approved - matched - proposed
    )


@lru_cache(maxsize=1024)
def _shifts_to_seoul(zone: str, first_day: date, last_day: date) -> tuple[int, ...]:
    """Every distinct (Seoul offset − zone offset) in minutes on the semester's days.

    One value for most zones; two when the zone changes its clocks during the semester.
    """
    seoul, local = ZoneInfo("Asia/Seoul"), ZoneInfo(zone)
    shifts = set()
    day = first_day
    while day <= last_day:
        noon = datetime.combine(day, time(12))
        seoul_offset = noon.replace(tzinfo=seoul).utcoffset() or timedelta(0)
        local_offset = noon.replace(tzinfo=local).utcoffset() or timedelta(0)
        shifts.add(int((seoul_offset - local_offset).total_seconds() // 60))
        day += timedelta(days=1)
    return tuple(sorted(shifts))


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
    return np.asarray(free.reshape(7 * HOURS, 60).all(axis=1))


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
    """Approved students vs approved tutors free for each whole hour of the Seoul week, in
    every week of the semester.

    A pair must meet every week, so an hour counts for someone only if it is free both before
    and after a clock change in their zone during the semester (as the engine checks pairs).
    """
    people = db.session.execute(
        select(Applicant.role, Applicant.timezone, Applicant.availability).where(
            Applicant.semester_id == semester.id,
            Applicant.status == ApplicantStatus.APPROVED,
        )
    ).all()
    totals = {"student": np.zeros(7 * HOURS, dtype=int), "tutor": np.zeros(7 * HOURS, dtype=int)}
    for role, zone, availability in people:
        shifts = _shifts_to_seoul(zone, semester.starts_on, semester.ends_on)
        free = np.logical_and.reduce([_seoul_hours(availability, shift) for shift in shifts])
        totals[role] += free
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
