"""The active pairs of a person, a tutor's free places, and ending a pair: each written once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from matcher.extensions import db
from matcher.models import ACTIVE_MATCH_STATUSES, Applicant, Match, MatchStatus, Semester
from matcher.models.base import utcnow
from matcher.services.constraints import flush
from matcher.services.errors import ChangedMeanwhile

ACTIVE = ACTIVE_MATCH_STATUSES


def active_pairs_of(*applicant_ids: int) -> list[Match]:
    """Every proposed, locked or confirmed pair in which any of these people is student or
    tutor, oldest first."""
    if not applicant_ids:
        return []
    ids = set(applicant_ids)
    return list(
        db.session.scalars(
            select(Match)
            .where(
                Match.status.in_(ACTIVE),
                or_(Match.student_id.in_(ids), Match.tutor_id.in_(ids)),
            )
            .order_by(Match.id)
        )
    )


def active_pairs_in(semester: Semester, *order_by: Any) -> list[Match]:
    """The semester's proposed, locked and confirmed pairs with both people loaded (one query),
    in ``order_by`` (by id when none is given)."""
    return list(
        db.session.scalars(
            select(Match)
            .options(joinedload(Match.student), joinedload(Match.tutor))
            .where(Match.semester_id == semester.id, Match.status.in_(ACTIVE))
            .order_by(*(order_by or (Match.id,)))
        ).unique()
    )


def end_match(match: Match, reason: str) -> None:
    """End a pair so both people are free again; the caller audits it in its own words.

    Flushed at once, so a concurrent change to the same pair (its version moved) is
    "changed meanwhile" here rather than a crash at commit.
    """
    match.status = MatchStatus.ENDED
    match.ended_at = utcnow()
    match.end_reason = reason
    flush()


def pairs_of_tutor(tutor_id: int) -> int:
    """How many active pairs the tutor has (what their capacity is checked against)."""
    return db.session.execute(
        select(func.count())
        .select_from(Match)
        .where(Match.tutor_id == tutor_id, Match.status.in_(ACTIVE))
    ).scalar_one()


def lock_tutors(tutor_ids: set[int]) -> None:
    """Hold these tutors' rows until commit, so capacity checks for them happen one at a time.

    PostgreSQL: SELECT … FOR UPDATE, in id order so two transactions locking overlapping sets
    cannot deadlock. SQLite has no row locks and ignores FOR UPDATE; there the write
    transaction (BEGIN IMMEDIATE, see matcher/database.py) already serialises every writer.
    """
    if tutor_ids:
        db.session.execute(
            select(Applicant.id)
            .where(Applicant.id.in_(sorted(tutor_ids)))
            .order_by(Applicant.id)
            .with_for_update()
        ).all()


def check_capacity(tutor_ids: set[int]) -> None:
    """Refuse (changed meanwhile) if any of these tutors now has more pairs than places.

    Called with the tutors' rows locked (lock_tutors) after the new pairs are flushed, so the
    count includes every pair committed before the lock and none can be added until commit.
    """
    if not tutor_ids:
        return
    rows = db.session.execute(
        select(Applicant.public_id, Applicant.capacity, func.count(Match.id))
        .join(Match, Match.tutor_id == Applicant.id)
        .where(Applicant.id.in_(sorted(tutor_ids)), Match.status.in_(ACTIVE))
        .group_by(Applicant.id, Applicant.public_id, Applicant.capacity)
    ).all()
    over = sorted(public_id for public_id, capacity, taken in rows if taken > capacity)
    if over:
        raise ChangedMeanwhile(
            f"{', '.join(over)} got another pair meanwhile and would have more students than "
            "places; nothing was saved. Reload and try again."
        )
