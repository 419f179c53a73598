"""Exporting a semester's roster: load it, give the export a traceable id, and audit who took it and why."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matcher.extensions import db
from matcher.models import Applicant, ApplicantStatus, Match, MatchStatus, Semester, User
from matcher.models.applicant import PUBLIC_ID_ALPHABET
from matcher.roster import (
    CSV_MEDIA_TYPE,
    FORMATS,
    XLSX_MEDIA_TYPE,
    RosterPair,
    RosterPerson,
    count_by_section,
    header,
    roster_bytes,
    rows,
)
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.sessions.agreement import session_texts

MAX_REASON_LENGTH = 500
ON_THE_RECORD = (MatchStatus.CONFIRMED, MatchStatus.ENDED)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class RosterExport:
    """One export: its id (in every row, the file's properties and the audit log) and its bytes."""

    export_id: str
    fmt: str
    content: bytes
    counts: dict[str, int]
    include_contacts: bool

    @property
    def media_type(self) -> str:
        return CSV_MEDIA_TYPE if self.fmt == "csv" else XLSX_MEDIA_TYPE

    @property
    def line_count(self) -> int:
        return sum(self.counts.values())


def new_export_id() -> str:
    """EXP- and 10 characters of an unambiguous base32 alphabet (50 random bits), easy to read out."""
    return "EXP-" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))


def clean_reason(reason: str | None, *, include_contacts: bool) -> str | None:
    """The coordinator's reason, one line, bounded; required when contact details leave the service."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", reason or "").split())
    if include_contacts and not text:
        raise DomainError(
            "Say why the contact details are needed: the reason is kept in the audit log "
            "with the export id.",
            field="reason",
        )
    if len(text) > MAX_REASON_LENGTH:
        raise DomainError(f"Keep the reason under {MAX_REASON_LENGTH} characters.", field="reason")
    return text or None


def _person(applicant: Applicant, include_contacts: bool) -> RosterPerson:
    # Emails are not even loaded into the builder's input unless they were asked for.
    return RosterPerson(
        public_id=applicant.public_id,
        role=applicant.role,
        display_name=applicant.display_name,
        email=applicant.email if include_contacts else "",
        status=applicant.status,
        timezone=applicant.timezone,
    )


def load_roster(
    semester: Semester, *, include_contacts: bool
) -> tuple[list[RosterPair], list[RosterPerson], list[RosterPerson]]:
    """The builder's inputs: confirmed and ended pairs, the unmatched, and the withdrawn.

    Unmatched means approved and in no confirmed pair now (the contract's "approved applicants
    with no pair"): someone whose pair ended is listed under ``ended`` with that pair and under
    ``unmatched`` until a new pair is confirmed. A pair that was only proposed or locked was
    never agreed, so its people count as unmatched, and a proposal ended before it was ever
    confirmed (e.g. excluded by a coordinator) is not an ended pair of the semester.
    ``confirmed_by`` is the coordinator account's name (a pseudonym is fine there), never its
    email.
    """
    matches = [
        m
        for m in db.session.scalars(
            select(Match)
            .where(Match.semester_id == semester.id, Match.status.in_(ON_THE_RECORD))
            .options(joinedload(Match.student), joinedload(Match.tutor))
        )
        if m.status == MatchStatus.CONFIRMED or m.confirmed_at is not None
    ]
    coordinator_ids = {m.confirmed_by_id for m in matches if m.confirmed_by_id is not None}
    coordinators = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(coordinator_ids))).all()
    )
    sessions = session_texts(semester, matches)
    pairs = [
        RosterPair(
            pair_id=m.public_id,
            status=m.status,
            student=_person(m.student, include_contacts),
            tutor=_person(m.tutor, include_contacts),
            windows_seoul=m.windows_seoul,
            windows_student_local=m.windows_student_local,
            windows_tutor_local=m.windows_tutor_local,
            shared_goals=m.shared_goals,
            score=m.score,
            confirmed_at=m.confirmed_at,
            confirmed_by=coordinators.get(m.confirmed_by_id, "") if m.confirmed_by_id else "",
            ended_at=m.ended_at,
            end_reason=m.end_reason or "",
            session_seoul=sessions[m.id].seoul,
            session_student_local=sessions[m.id].student_local,
            session_tutor_local=sessions[m.id].tutor_local,
            session_agreed=sessions[m.id].agreed,
            override_note=m.manual_override_note or "",
        )
        for m in matches
    ]
    current = [m for m in matches if m.status == MatchStatus.CONFIRMED]
    paired = {m.student_id for m in current} | {m.tutor_id for m in current}
    applicants = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.status.in_((ApplicantStatus.APPROVED, ApplicantStatus.WITHDRAWN)),
        )
    )
    unmatched: list[RosterPerson] = []
    withdrawn: list[RosterPerson] = []
    for applicant in applicants:
        if applicant.status == ApplicantStatus.WITHDRAWN:
            withdrawn.append(_person(applicant, include_contacts))
        elif applicant.id not in paired:
            unmatched.append(_person(applicant, include_contacts))
    return pairs, unmatched, withdrawn


def export_roster(
    semester: Semester,
    fmt: str,
    *,
    include_contacts: bool,
    reason: str | None,
    actor: str,
) -> RosterExport:
    """Build the file and record ``roster.export``; the caller commits before handing the file out."""
    if fmt not in FORMATS:
        raise DomainError(f"Unknown format {fmt!r}; use csv or xlsx.", field="format")
    if semester.purged_at is not None:
        raise DomainError(
            f"The personal data of semester {semester.name!r} was purged; there is no roster left.",
            field="semester",
        )
    reason = clean_reason(reason, include_contacts=include_contacts)
    export_id = new_export_id()
    pairs, unmatched, withdrawn = load_roster(semester, include_contacts=include_contacts)
    lines = rows(export_id, pairs, unmatched, withdrawn, include_contacts=include_contacts)
    counts = count_by_section(lines)
    content = roster_bytes(fmt, header(include_contacts), lines, export_id)
    record_event(
        "roster.export",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={
            "export_id": export_id,
            "format": fmt,
            "contacts": include_contacts,
            "reason": reason,
            "lines": counts,
        },
    )
    return RosterExport(export_id, fmt, content, counts, include_contacts)
