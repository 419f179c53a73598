"""Coordinator review of applicants: status changes, edits, private links and erasure."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import available_timezones

from sqlalchemy import delete, or_, select

from matcher.domain import (
    GENDER_PREFERENCES,
    GENDERS,
    GOALS,
    KOREAN_ABILITIES,
    LEVELS,
    MAX_CAPACITY,
    MAX_NAME,
    MAX_NOTE,
    MIN_CAPACITY,
    Gender,
    KoreanAbility,
)
from matcher.domain.windows import WindowSyntaxError, format_windows, parse_windows
from matcher.extensions import db
from matcher.models import (
    Applicant,
    ApplicantStatus,
    AuditEvent,
    Exclusion,
    MailKind,
    Match,
    Semester,
)
from matcher.models.base import utcnow
from matcher.services.applicants.adding import join_in_order, new_edit_token
from matcher.services.applicants.links import revoke_extra_links
from matcher.services.audit import record_event
from matcher.services.constraints import flush
from matcher.services.errors import DomainError, NotFound
from matcher.services.mail.notices import send_private_link, tell_pair_ended
from matcher.services.mail.outbox import forget_unsent_mail
from matcher.services.pairs.records import active_pairs_of, end_match, lock_tutors

STATUS_ACTIONS: dict[str, str] = {
    ApplicantStatus.APPROVED: "applicant.approve",
    ApplicantStatus.WAITLISTED: "applicant.waitlist",
    ApplicantStatus.WITHDRAWN: "applicant.withdraw",
}
# What an erased person is called wherever a name is shown (the column cannot be empty).
ERASED_NAME = "(erased)"
# Replaces the end reason of every pair of an erased person: the original may have named them.
ERASED_REASON = "erased on request"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def get_applicant(public_id: str) -> Applicant:
    applicant = db.session.scalars(
        select(Applicant).where(
            Applicant.public_id == public_id.replace("\x00", "").strip().upper()[:16]
        )
    ).first()
    if applicant is None:
        raise NotFound("No such applicant (they may have been erased).")
    return applicant


def _end_pairs(applicant: Applicant, reason: str, actor: str, *, tell_partner: bool = True) -> int:
    """End the person's active pairs so the partner is free again; each ending is audited.

    The partner of a confirmed pair is emailed that it ended (without the reason); the person
    the coordinator acted on is not, since the coordinator is dealing with them already.
    """
    matches = active_pairs_of(applicant.id)
    for match in matches:
        end_match(match, reason)
        if tell_partner:
            tell_pair_ended(match, reason=None, skip=applicant)
        record_event(
            "match.end",
            actor=actor,
            target=match.public_id,
            detail={"applicant": applicant.public_id, "cause": reason},
        )
    return len(matches)


def set_status(applicant: Applicant, status: str, *, actor: str) -> int:
    """Approve, waitlist or withdraw; leaving "approved" ends the person's pairs (returns how many)."""
    if status not in STATUS_ACTIONS:
        raise DomainError(f"Unknown status {status!r}.", field="status")
    if applicant.semester.is_closed:
        raise DomainError("This semester is closed; its applicants can no longer change.")
    if applicant.is_erased and status == ApplicantStatus.APPROVED:
        raise DomainError("This person's data was erased; they cannot be approved again.")
    previous = applicant.status
    if previous == status:
        return 0
    ended = 0
    if status != ApplicantStatus.APPROVED:
        ended = _end_pairs(applicant, f"applicant {status} by a coordinator", actor)
    applicant.status = ApplicantStatus(status)
    flush()
    record_event(
        STATUS_ACTIONS[status],
        actor=actor,
        target=applicant.public_id,
        detail={"from": previous, "ended_pairs": ended},
    )
    return ended


def bulk_approve(semester: Semester, public_ids: Iterable[str], *, actor: str) -> int:
    """Approve the chosen pending or waitlisted applicants of this semester; returns how many."""
    wanted = {p.replace("\x00", "").strip().upper() for p in public_ids}
    wanted.discard("")
    if not wanted:
        raise DomainError("Choose at least one applicant.", field="selected")
    rows = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.public_id.in_(wanted),
            Applicant.status.in_([ApplicantStatus.PENDING, ApplicantStatus.WAITLISTED]),
            Applicant.erased_at.is_(None),
        )
    ).all()
    for applicant in rows:
        set_status(applicant, ApplicantStatus.APPROVED, actor=actor)
    return len(rows)


@dataclass(frozen=True)
class ApplicantEdit:
    """What a coordinator may correct; contact email and role stay as the person gave them."""

    display_name: str
    timezone: str
    availability: str
    goals: tuple[str, ...]
    levels: tuple[str, ...]
    gender: str | None
    gender_preference: str | None
    korean: str | None
    in_person: bool
    capacity: int
    note: str | None


def has_hidden_characters(text: str) -> bool:
    """Control characters and bidi overrides can disguise a name or break a page or a CSV."""
    return any(
        (unicodedata.category(c) == "Cc" and c not in "\n\r\t") or c in BIDI_CONTROLS for c in text
    )


def _check_edit(applicant: Applicant, edit: ApplicantEdit) -> str:
    name = edit.display_name.strip()
    if not 1 <= len(name) <= MAX_NAME or has_hidden_characters(name) or "\n" in name:
        raise DomainError(
            f"A name needs 1 to {MAX_NAME} visible characters (no control or direction-override characters).",
            field="display_name",
        )
    if edit.timezone not in available_timezones():
        raise DomainError(f"{edit.timezone!r} is not a known time zone.", field="timezone")
    try:
        windows = parse_windows(edit.availability)
    except WindowSyntaxError as error:
        raise DomainError(str(error), field="availability") from None
    if not set(edit.goals) <= set(GOALS) or not edit.goals:
        raise DomainError("Choose at least one known goal.", field="goals")
    if not set(edit.levels) <= set(LEVELS) or not edit.levels:
        raise DomainError("Choose at least one known level.", field="levels")
    if applicant.role == "student" and len(edit.levels) != 1:
        raise DomainError("A student has exactly one level.", field="levels")
    if edit.gender not in (None, *GENDERS):
        raise DomainError("Unknown gender.", field="gender")
    if edit.gender_preference not in (None, *GENDER_PREFERENCES) or (
        edit.gender_preference and applicant.role != "student"
    ):
        raise DomainError(
            "Only students state a tutor gender preference.", field="gender_preference"
        )
    if edit.korean not in (None, *KOREAN_ABILITIES):
        raise DomainError("Unknown Korean level.", field="korean")
    if applicant.role == "tutor" and not MIN_CAPACITY <= edit.capacity <= MAX_CAPACITY:
        raise DomainError(
            f"A tutor takes {MIN_CAPACITY} to {MAX_CAPACITY} students.", field="capacity"
        )
    if edit.note and (len(edit.note) > MAX_NOTE or has_hidden_characters(edit.note)):
        raise DomainError(
            f"A note has at most {MAX_NOTE} characters and no control characters.", field="note"
        )
    return format_windows(windows)


def edit_applicant(applicant: Applicant, edit: ApplicantEdit, *, actor: str) -> int:
    """Correct an application; a change of time or time zone ends the person's active pairs
    (their common time may be gone) and returns how many ended."""
    if applicant.is_erased:
        raise DomainError("This person's data was erased; there is nothing to edit.")
    if applicant.semester.is_closed:
        raise DomainError("This semester is closed; its applicants can no longer change.")
    availability = _check_edit(applicant, edit)
    times_changed = availability != applicant.availability or edit.timezone != applicant.timezone
    if applicant.role == "tutor" and not times_changed:  # new times end the pairs anyway
        lock_tutors({applicant.id})  # no run or pair by hand adds a pair while we count
        pairs = len(active_pairs_of(applicant.id))
        if edit.capacity < pairs:
            raise DomainError(
                f"This tutor has {pairs} active pairs: end one before taking fewer students.",
                field="capacity",
            )
    applicant.display_name = edit.display_name.strip()
    applicant.timezone = edit.timezone
    applicant.availability = availability
    applicant.goals = join_in_order(edit.goals, GOALS)
    applicant.levels = join_in_order(edit.levels, LEVELS)
    applicant.gender = Gender(edit.gender) if edit.gender else None
    applicant.gender_preference = edit.gender_preference
    applicant.korean = KoreanAbility(edit.korean) if edit.korean else None
    applicant.in_person = edit.in_person
    applicant.capacity = edit.capacity if applicant.role == "tutor" else 1
    applicant.note = (edit.note or "").strip() or None
    ended = (
        _end_pairs(applicant, "availability changed by a coordinator", actor)
        if times_changed
        else 0
    )
    flush()
    record_event(
        "applicant.edit",
        actor=actor,
        target=applicant.public_id,
        detail={"availability_changed": times_changed, "ended_pairs": ended},
    )
    return ended


def new_private_link(applicant: Applicant, *, actor: str) -> str:
    """A new private link, emailed to the person; every earlier link stops working at once."""
    if applicant.is_erased:
        raise DomainError("This person's data was erased; they have no private page.")
    token, token_hash = new_edit_token()
    applicant.edit_token_hash = token_hash
    revoke_extra_links(applicant)
    flush()
    record_event("applicant.new_link", actor=actor, target=applicant.public_id)
    send_private_link(applicant, token, MailKind.LINK_REISSUED)
    return token


def erase_applicant(applicant: Applicant, *, actor: str) -> int:
    """Remove one person's personal data everywhere, keep an anonymous row for the counts.

    Their pairs end, coordinator notes about them (override notes, end reasons, exclusion
    reasons) go, and the public id stays so the audit trail still adds up. Returns how many pairs ended.
    """
    if applicant.is_erased:
        return 0
    # No email: a letter to the partner would name the person being erased.
    ended = _end_pairs(applicant, ERASED_REASON, actor, tell_partner=False)
    touched = db.session.scalars(
        select(Match).where(or_(Match.student_id == applicant.id, Match.tutor_id == applicant.id))
    ).all()
    for match in touched:
        # Coordinators' free text about the pair may name the person: it goes, whoever wrote it.
        match.manual_override_note = None
        if match.end_reason is not None:
            match.end_reason = ERASED_REASON
        match.windows_student_local = match.windows_tutor_local = match.windows_seoul = ""
    db.session.execute(
        delete(Exclusion).where(
            or_(Exclusion.student_id == applicant.id, Exclusion.tutor_id == applicant.id)
        )
    )
    applicant.erased_at = utcnow()
    applicant.display_name = ERASED_NAME
    applicant.email = f"erased-{applicant.public_id.lower()}@erased.invalid"
    applicant.timezone = "UTC"
    applicant.availability = "Mon 00:00-00:30"
    applicant.gender = applicant.gender_preference = applicant.korean = None
    applicant.in_person = False
    applicant.continue_with = None
    applicant.note = None
    applicant.edit_token_hash = None
    revoke_extra_links(applicant)
    forget_unsent_mail(applicant.id)
    applicant.status = ApplicantStatus.WITHDRAWN
    flush()
    record_event(
        "applicant.erase", actor=actor, target=applicant.public_id, detail={"ended_pairs": ended}
    )
    return ended


@dataclass(frozen=True)
class Flag:
    """A pair that ended because an applicant changed their times or withdrew themself."""

    event_id: int
    pair_id: str
    applicant_id: str
    reason: str
    pair_status: str


def applicant_flags(semester: Semester, limit: int = 50) -> list[Flag]:
    """Unacknowledged `match.ended_by_applicant` events of this semester, newest first."""
    seen = select(AuditEvent.target).where(AuditEvent.action == "match.flag_seen")
    rows = db.session.execute(
        select(AuditEvent, Match.status)
        .join(Match, Match.public_id == AuditEvent.target)
        .where(
            AuditEvent.action == "match.ended_by_applicant",
            Match.semester_id == semester.id,
            AuditEvent.target.not_in(seen),
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        Flag(
            event.id,
            event.target or "",
            str(event.detail.get("applicant", "")),
            str(event.detail.get("reason", "")),
            status,
        )
        for event, status in rows
    ]


def acknowledge_flag(pair_id: str, *, actor: str) -> None:
    record_event("match.flag_seen", actor=actor, target=pair_id.replace("\x00", "")[:40])
