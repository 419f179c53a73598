"""Agreeing the weekly session: proposals stored, acceptances, changes, a coordinator's choice.

Flow: when pairs are proposed, locked or confirmed, :func:`sync_semester` stores each active
pair's proposed session (the engine's, kept while it still fits both people's times). Each
person accepts it or picks another valid start (:func:`choose`); picking another clears the
partner's acceptance so they are asked again. The session is agreed when both accepted the same
starts. A coordinator can set one of the valid starts for a pair (:func:`coordinator_set`),
which counts as agreed. Every change is audited with ids only, and the partner is told through
:mod:`matcher.services.sessions.notify`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from matcher.domain import Role
from matcher.extensions import db
from matcher.matching.session_text import session_text
from matcher.matching.sessions import Session, SessionPlan
from matcher.models import Applicant, Match, PairSession, Semester
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.sessions.notify import tell_partner
from matcher.services.sessions.plans import ACTIVE, active_matches, plan_for, plan_matches

WAIT_BEFORE_FLAGGING = timedelta(days=7)


@dataclass(frozen=True)
class SessionState:
    """What a page shows about one pair's session."""

    match: Match
    session: Session | None
    options: tuple[Session, ...]  # the valid starts a person may pick, the session first
    student_accepted: bool
    tutor_accepted: bool
    agreed: bool
    overlaps: bool
    revision: int

    def accepted_by(self, applicant: Applicant) -> bool:
        return (
            self.student_accepted
            if applicant.id == self.match.student_id
            else (self.tutor_accepted)
        )


def rows_for(match_ids: Iterable[int]) -> dict[int, PairSession]:
    ids = list(match_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(PairSession).where(PairSession.match_id.in_(ids)))
    return {r.match_id: r for r in rows}


def stored_starts(match: Match) -> tuple[int, ...] | None:
    row = rows_for([match.id]).get(match.id)
    return row.start_minutes if row is not None else None


def _encode(session: Session) -> str:
    return ",".join(str(s) for s in session.starts)


def _put(row: PairSession | None, match: Match, session: Session, by: str) -> PairSession:
    """Put ``session`` on the table: nobody has accepted it yet (``by`` is who proposed it)."""
    if row is None:
        row = PairSession(match_id=match.id, revision=1)
        db.session.add(row)
    elif row.starts != _encode(session):
        row.revision += 1
    row.starts, row.minutes = _encode(session), session.minutes
    row.student_accepted = row.tutor_accepted = False
    row.agreed_at = None
    row.changed_by = by
    row.proposed_at = datetime.now(UTC)
    return row


def _apply(match: Match, row: PairSession | None, plan: SessionPlan) -> PairSession | None:
    if plan.session is None:
        return row  # no valid start: a coordinator agrees a time by hand
    if row is None or row.start_minutes != plan.session.starts:
        row = _put(row, match, plan.session, "engine")
    row.overlaps = bool(plan.overlaps)
    return row


def sync_semester(semester: Semester) -> int:
    """Store (or refresh, where it no longer fits) every active pair's proposed session."""
    matches = active_matches(semester)
    rows = rows_for(m.id for m in matches)
    plans = plan_matches(semester, matches, lambda m: _fixed(rows, m), with_alternatives=False)
    for m in matches:
        _apply(m, rows.get(m.id), plans[m.id])
    db.session.flush()
    return len(matches)


def _fixed(rows: dict[int, PairSession], match: Match) -> tuple[int, ...] | None:
    row = rows.get(match.id)
    return row.start_minutes if row is not None else None


def state_of(match: Match) -> SessionState:
    """The pair's session as it stands (read only): the stored one while it fits, else the
    engine's new proposal, with the starts a person may pick instead."""
    rows = rows_for([match.id])
    plan = plan_for(match, lambda m: stored_starts(m) if m.id != match.id else _fixed(rows, m))
    row = rows.get(match.id)
    same = row is not None and plan.session is not None and row.start_minutes == plan.session.starts
    options = tuple(s for s in (plan.session, *plan.alternatives) if s is not None)
    options = tuple({s.starts: s for s in options}.values())
    return SessionState(
        match=match,
        session=plan.session,
        options=options,
        student_accepted=bool(same and row and row.student_accepted),
        tutor_accepted=bool(same and row and row.tutor_accepted),
        agreed=bool(same and row and row.agreed_at),
        overlaps=bool(plan.overlaps),
        revision=row.revision if row is not None else 1,
    )


def _check_open(match: Match) -> None:
    if match.student.semester.is_closed:
        raise DomainError(
            "This semester has ended; its weekly sessions no longer change.", field="start"
        )


def _pick(state: SessionState, key: str) -> Session:
    for option in state.options:
        if option.key == key:
            return option
    raise DomainError(
        "That time is no longer possible for both of you. Please pick one of the times shown.",
        field="start",
    )


def choose(applicant: Applicant, match: Match, key: str) -> PairSession:
    """``applicant`` accepts the start ``key`` (the proposal, or another valid start)."""
    if match.status not in ACTIVE or applicant.id not in (match.student_id, match.tutor_id):
        raise DomainError("This pair is not active.", field="start")
    _check_open(match)
    state = state_of(match)
    chosen = _pick(state, key)
    row = rows_for([match.id]).get(match.id)
    side = applicant.role
    changed = row is None or row.start_minutes != chosen.starts
    if not changed and row is not None and state.accepted_by(applicant):
        return row  # accepted already: nothing to record
    if changed:
        row = _put(row, match, chosen, side)
    assert row is not None
    if side == Role.STUDENT:
        row.student_accepted = True
    else:
        row.tutor_accepted = True
    both = row.student_accepted and row.tutor_accepted
    row.agreed_at = datetime.now(UTC) if both else None
    db.session.flush()
    record_event(
        "session.changed" if changed else "session.accepted",
        actor=f"applicant:{applicant.public_id}",
        target=match.public_id,
        detail={"revision": row.revision, "agreed": both},
    )
    partner = match.tutor if side == Role.STUDENT else match.student
    tell_partner(match, partner, "agreed" if both else ("changed" if changed else "accepted"))
    return row


def coordinator_set(match: Match, key: str, *, actor: str) -> PairSession:
    """A coordinator sets one of the valid starts for the pair: agreed for both."""
    if match.status not in ACTIVE:
        raise DomainError("Only an active pair's session can be set.", field="start")
    _check_open(match)
    state = state_of(match)
    chosen = _pick(state, key)
    row = rows_for([match.id]).get(match.id)
    if row is not None and state.agreed and row.start_minutes == chosen.starts:
        return row  # already agreed on exactly this: nothing to record
    if row is None or row.start_minutes != chosen.starts:
        row = _put(row, match, chosen, "coordinator")
    row.changed_by = "coordinator"
    row.student_accepted = row.tutor_accepted = True
    row.agreed_at = datetime.now(UTC)
    db.session.flush()
    record_event(
        "session.set", actor=actor, target=match.public_id, detail={"revision": row.revision}
    )
    for person in (match.student, match.tutor):
        tell_partner(match, person, "set")
    return row


def not_agreed(
    semester: Semester, now: datetime | None = None
) -> list[tuple[Match, PairSession | None]]:
    """Active pairs whose session is still not agreed a week after it was proposed (or, with
    no session row, a week after the pair was made)."""
    limit = (now or datetime.now(UTC)) - WAIT_BEFORE_FLAGGING
    matches = active_matches(semester)
    rows = rows_for(m.id for m in matches)
    out = []
    for m in matches:
        row = rows.get(m.id)
        since = row.proposed_at if row is not None else m.created_at
        if (row is None or row.agreed_at is None) and since <= limit:
            out.append((m, row))
    return out


@dataclass(frozen=True)
class SessionTexts:
    """A pair's session as the roster writes it (outputs.md): Seoul, each person's own time."""

    seoul: str
    student_local: str
    tutor_local: str
    agreed: bool


def session_texts(semester: Semester, matches: Iterable[Match]) -> dict[int, SessionTexts]:
    """The stored (else proposed) session of each pair as text; an ended pair's as it was."""
    matches = list(matches)
    rows = rows_for(m.id for m in matches)
    active = [m for m in matches if m.status in ACTIVE]
    ended = [m for m in matches if m.status not in ACTIVE]
    plans = plan_matches(semester, active, lambda m: _fixed(rows, m), False)
    if ended:
        plans.update(plan_matches(semester, ended, lambda m: _fixed(rows, m), False))
    out = {}
    for m in matches:
        session = plans[m.id].session
        zones = (m.student.timezone, m.tutor.timezone)
        row = rows.get(m.id)
        out[m.id] = SessionTexts(
            session_text(session, "Asia/Seoul", *zones),
            session_text(session, m.student.timezone, *zones),
            session_text(session, m.tutor.timezone, *zones),
            bool(row and row.agreed_at and session and row.start_minutes == session.starts),
        )
    return out
