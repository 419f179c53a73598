"""Coordinator actions on pairs: lock, unlock, exclude, pair by hand, confirm, end.

Every action is safe under races. A pair's `version` (SQLAlchemy's version_id_col) must still
be the one the coordinator saw, or the UPDATE touches no row and we raise ChangedMeanwhile;
the partial unique index refuses a second active pair for a student; a tutor's row is locked
(SELECT … FOR UPDATE on PostgreSQL; SQLite already serialises writers with BEGIN IMMEDIATE)
while their capacity is checked, so two manual pairs cannot overfill a tutor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from matcher.extensions import db
from matcher.models import (
    Applicant,
    ApplicantStatus,
    Exclusion,
    Match,
    MatchStatus,
    Semester,
)
from matcher.models.base import LARGEST_ROW_ID, utcnow
from matcher.services.audit import record_event
from matcher.services.constraints import flush
from matcher.services.errors import ChangedMeanwhile, DomainError, NotFound
from matcher.services.pairs.matching import explain_for
from matcher.services.pairs.records import (
    ACTIVE,
    check_capacity,
    end_match,
    lock_tutors,
    pairs_of_tutor,
)
from matcher.services.sessions.agreement import sync_semester

MAX_TEXT = 500
MAX_VERSION_DIGITS = 9  # a pair changes a few times a semester, never a billion


def get_pair(pair_id: str, version: int | None = None) -> Match:
    """The pair, checked against the version the coordinator's page showed."""
    pair_id = pair_id.replace("\x00", "")  # in no id, and PostgreSQL text cannot hold it
    match = db.session.scalars(select(Match).where(Match.public_id == pair_id[:16])).first()
    if match is None:
        raise NotFound("No such pair.")
    if version is not None and match.version != version:
        raise ChangedMeanwhile()
    return match


def _check_open(semester: Semester) -> None:
    if semester.is_closed:
        raise DomainError(f"Semester {semester.name!r} is closed; its pairs can no longer change.")


def _text(value: str | None, field: str, what: str) -> str:
    text = (value or "").strip().replace("\x00", "")
    if not text:
        raise DomainError(f"Give {what}.", field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(f"Keep {what} under {MAX_TEXT} characters.", field=field)
    return text


def _require(match: Match, statuses: Iterable[str], doing: str) -> None:
    allowed = tuple(statuses)
    if match.status not in allowed:
        raise DomainError(
            f"Pair {match.public_id} is {match.status}; only {' or '.join(allowed)} pairs can be {doing}."
        )


def lock_pair(pair_id: str, version: int | None, *, actor: str) -> Match:
    """A locked pair is kept by every later run."""
    match = get_pair(pair_id, version)
    _check_open(match.student.semester)
    _require(match, [MatchStatus.PROPOSED], "locked")
    match.status = MatchStatus.LOCKED
    flush()
    record_event("match.lock", actor=actor, target=match.public_id)
    return match


def unlock_pair(pair_id: str, version: int | None, *, actor: str) -> Match:
    match = get_pair(pair_id, version)
    _check_open(match.student.semester)
    _require(match, [MatchStatus.LOCKED], "unlocked")
    match.status = MatchStatus.PROPOSED
    flush()
    record_event("match.unlock", actor=actor, target=match.public_id)
    return match


def exclude_pair(
    semester: Semester,
    student: Applicant,
    tutor: Applicant,
    reason: str,
    *,
    actor: str,
    user_id: int | None = None,
    pair_version: int | None = None,
) -> Exclusion:
    """Never propose this pair again; a proposed or locked pair of the two ends now."""
    _check_open(semester)
    _same_semester(semester, student, tutor)
    reason = _text(reason, "reason", "a reason")
    existing = _active_pair(student, tutor)
    if existing is not None:
        if pair_version is not None and existing.version != pair_version:
            raise ChangedMeanwhile()
        if existing.status == MatchStatus.CONFIRMED:
            raise DomainError(
                f"Pair {existing.public_id} is confirmed; end the match first, then exclude it."
            )
        end_match(existing, "excluded by a coordinator")
    elif pair_version is not None:
        raise ChangedMeanwhile()
    exclusion = Exclusion(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        reason=reason,
        created_by_id=user_id,
    )
    db.session.add(exclusion)
    flush()  # a second exclusion of the same pair hits the unique constraint
    record_event(
        "match.exclude",
        actor=actor,
        target=existing.public_id if existing else None,
        detail={"student": student.public_id, "tutor": tutor.public_id},
    )
    return exclusion


def remove_exclusion(
    exclusion_id: int, *, actor: str, semester: Semester | None = None
) -> tuple[str, str]:
    """Lift an exclusion, so the next run may propose the pair again; returns their public ids.

    `semester` is the one the coordinator's page showed: an exclusion of another semester, or
    one already removed, is "changed meanwhile" (the page was stale), never a crash. The row is
    locked while it is checked and deleted, so two coordinators removing it at once get one
    success and one "changed meanwhile". The audit event names the pair by public ids only; the
    free-text reason, which may name someone, is not copied into it.
    """
    if not 1 <= exclusion_id <= LARGEST_ROW_ID:
        raise ChangedMeanwhile()
    exclusion = db.session.scalars(
        select(Exclusion).where(Exclusion.id == exclusion_id).with_for_update()
    ).first()
    if exclusion is None or (semester is not None and exclusion.semester_id != semester.id):
        raise ChangedMeanwhile()
    owner = db.session.get_one(Semester, exclusion.semester_id)  # the FK cascades: always there
    if owner.is_closed:
        raise DomainError(
            f"Semester {owner.name!r} is closed; its exclusions can no longer be removed."
        )
    student, tutor = (
        db.session.get(Applicant, exclusion.student_id),
        db.session.get(Applicant, exclusion.tutor_id),
    )
    ids = (student.public_id if student else "", tutor.public_id if tutor else "")
    # A DELETE's result is a CursorResult, which counts the rows it removed.
    gone = cast(
        CursorResult[Any], db.session.execute(delete(Exclusion).where(Exclusion.id == exclusion.id))
    )
    if gone.rowcount != 1:
        raise ChangedMeanwhile()
    record_event(
        "match.unexclude",
        actor=actor,
        detail={"student": ids[0], "tutor": ids[1]},
    )
    return ids


def _same_semester(semester: Semester, *people: Applicant) -> None:
    for person in people:
        if person.semester_id != semester.id:
            raise DomainError(f"{person.public_id} belongs to another semester.")
    if len(people) == 2 and (people[0].role, people[1].role) != ("student", "tutor"):
        raise DomainError("A pair is one student and one tutor.")


def _active_pair(student: Applicant, tutor: Applicant) -> Match | None:
    return db.session.scalars(
        select(Match).where(
            Match.student_id == student.id, Match.tutor_id == tutor.id, Match.status.in_(ACTIVE)
        )
    ).first()


def pair_manually(
    semester: Semester,
    student: Applicant,
    tutor: Applicant,
    *,
    actor: str,
    override: bool = False,
    note: str | None = None,
) -> Match:
    """A coordinator's own pair, kept as locked; an infeasible one needs an override and a note.

    A student's proposed (not locked or confirmed) pair gives way to the manual one.
    """
    _check_open(semester)
    _same_semester(semester, student, tutor)
    for person in (student, tutor):
        if person.status != ApplicantStatus.APPROVED:
            raise DomainError(f"{person.public_id} is {person.status}; approve them first.")
    explanation = explain_for(semester, student, tutor)
    if not explanation.feasible:
        if not override:
            raise DomainError(
                "This pair breaks hard rules: "
                + " ".join(explanation.problems)
                + " Tick the override and write a note to pair them anyway.",
                field="override",
            )
        note = _text(note, "note", "a note saying why the override is right")
    elif note:
        note = note.strip().replace("\x00", "")[:MAX_TEXT] or None
    lock_tutors({tutor.id})
    current = db.session.scalars(
        select(Match).where(Match.student_id == student.id, Match.status.in_(ACTIVE))
    ).first()
    if current is not None:
        if current.status != MatchStatus.PROPOSED or current.tutor_id == tutor.id:
            raise ChangedMeanwhile(
                f"{student.public_id} already has pair {current.public_id} ({current.status}). "
                "Reload to see it; end or unlock it first."
            )
        end_match(current, "replaced by a manual pair")
    taken = pairs_of_tutor(tutor.id)
    if taken >= tutor.capacity:
        raise ChangedMeanwhile(
            f"{tutor.public_id} has no free place (takes {tutor.capacity}, has {taken} pair(s)). "
            "Reload, then free a place or choose another tutor."
        )
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status=MatchStatus.LOCKED,
        score=explanation.score,
        score_breakdown=dict(explanation.breakdown),
        shared_goals=";".join(explanation.shared_goals),
        windows_seoul=explanation.windows_seoul,
        windows_student_local=explanation.windows_student_local,
        windows_tutor_local=explanation.windows_tutor_local,
        manual_override_note=note,
    )
    db.session.add(match)
    flush()  # the partial unique index refuses a second active pair for the student
    record_event(
        "match.manual",
        actor=actor,
        target=match.public_id,
        detail={
            "student": student.public_id,
            "tutor": tutor.public_id,
            "override": not explanation.feasible,
        },
    )
    sync_semester(semester)  # the new pair's proposed weekly session (issue 15)
    return match


def pair_choice(value: str) -> tuple[str, int | None]:
    """A ticked pair as the confirm form sends it, "<pair id>:<version seen>".

    A version no page could have shown (not a number, or far past any real one: a 4,300-digit
    number is more than Python will even convert) is refused, never a crash.
    """
    pair_id, _, version = value.partition(":")
    if not version:
        return pair_id, None
    if not (version.isascii() and version.isdecimal() and len(version) <= MAX_VERSION_DIGITS):
        raise DomainError(
            "A ticked pair came with a version this page never showed. Reload and tick again.",
            field="selected",
        )
    return pair_id, int(version)


def confirm_pairs(
    pairs: Iterable[tuple[str, int | None]], *, actor: str, user_id: int | None = None
) -> int:
    """Confirm the chosen pairs (each at the version the coordinator saw); all or nothing."""
    chosen = list(pairs)
    if not chosen:
        raise DomainError("Choose at least one pair to confirm.", field="selected")
    matches = [get_pair(pair_id, version) for pair_id, version in chosen]
    tutors = {match.tutor_id for match in matches}
    lock_tutors(tutors)  # a pair confirmed is a place kept: never past the tutor's capacity
    for match in matches:
        _check_open(match.student.semester)
        _require(match, [MatchStatus.PROPOSED, MatchStatus.LOCKED], "confirmed")
        for person in (match.student, match.tutor):
            if person.status != ApplicantStatus.APPROVED:
                raise ChangedMeanwhile(f"{person.public_id} is no longer approved; reload.")
        match.status = MatchStatus.CONFIRMED
        match.confirmed_at = utcnow()
        match.confirmed_by_id = user_id
        flush()
        record_event("match.confirm", actor=actor, target=match.public_id)
    check_capacity(tutors)
    for semester in {m.semester_id: m.student.semester for m in matches}.values():
        sync_semester(semester)  # every confirmed pair has its proposed session (issue 15)
    return len(chosen)


def confirm_all(semester: Semester, *, actor: str, user_id: int | None = None) -> int:
    pending = db.session.execute(
        select(Match.public_id, Match.version).where(
            Match.semester_id == semester.id,
            Match.status.in_([MatchStatus.PROPOSED, MatchStatus.LOCKED]),
        )
    ).all()
    if not pending:
        raise DomainError("There is no proposed or locked pair to confirm.")
    return confirm_pairs([(p, v) for p, v in pending], actor=actor, user_id=user_id)


def end_pair(pair_id: str, version: int | None, reason: str, *, actor: str) -> Match:
    """End an active pair (typically confirmed, mid-semester); both people are free again."""
    match = get_pair(pair_id, version)
    _check_open(match.student.semester)
    reason = _text(reason, "reason", "a reason")
    _require(match, ACTIVE, "ended")
    end_match(match, reason)
    record_event(
        "match.end",
        actor=actor,
        target=match.public_id,
        detail={"student": match.student.public_id, "tutor": match.tutor.public_id},
    )
    return match


def find_person(semester: Semester, public_id: str, role: str) -> Applicant:
    person = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.public_id == public_id.replace("\x00", "").strip().upper()[:16],
            Applicant.role == role,
        )
    ).first()
    if person is None:
        raise NotFound(f"No {role} {public_id!r} in this semester.", field=role)
    return person
