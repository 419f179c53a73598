"""The end and the start of a semester: closing it, and starting the next one from the last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from matcher.extensions import db
from matcher.models import (
    Applicant,
    ApplicantStatus,
    MailKind,
    Match,
    MatchStatus,
    Semester,
    SemesterStatus,
)
from matcher.models.applicant import new_public_id
from matcher.services.applicants.adding import new_edit_token
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.mail.notices import send_private_link
from matcher.services.semesters.stages import create_semester, move_semester

# What a returning applicant keeps from last semester: their answers, and the consent they gave
# there. Not the coordinator's note (collect the minimum) and not the private edit link.
CARRIED_FIELDS = (
    "role",
    "display_name",
    "email",
    "timezone",
    "availability",
    "goals",
    "levels",
    "gender",
    "gender_preference",
    "korean",
    "in_person",
    "capacity",
    "language",
    "share_contact",
    "consented_at",
    "notice_version",
    "consent_source",
    "imported_by_id",
)


@dataclass(frozen=True)
class CarryOver:
    """What start-next did: the new semester and how many people and pairs it carried."""

    semester: Semester
    students: int
    tutors: int
    continuing_pairs: int


def close_semester(semester: Semester, *, actor: str) -> Semester:
    """Close a semester: from then on every service refuses to change it (it stays exportable)."""
    return move_semester(semester, SemesterStatus.CLOSED, actor=actor)


def returning_pairs(previous: Semester) -> list[Match]:
    """The pairs still confirmed in ``previous``, oldest confirmation first.

    The service keeps no separate "I'd like to come back" answer, so a pair that was still
    running (confirmed, not ended) when the semester closed is what counts as both people asking
    to continue together. Withdrawn people are never carried.
    """
    matches = db.session.scalars(
        select(Match)
        .where(Match.semester_id == previous.id, Match.status == MatchStatus.CONFIRMED)
        .options(joinedload(Match.student), joinedload(Match.tutor))
        .order_by(Match.confirmed_at, Match.id)
    )
    return [
        m for m in matches if ApplicantStatus.WITHDRAWN not in (m.student.status, m.tutor.status)
    ]


def start_next_semester(
    name: str,
    previous: Semester,
    starts_on: date,
    ends_on: date,
    *,
    actor: str,
    session_minutes: int | None = None,
) -> CarryOver:
    """Create semester ``name`` (taking sign-ups) and carry over last semester's returning pairs.

    Who comes back: both people of every pair still confirmed in ``previous`` (see
    ``returning_pairs``). They arrive as *pending* applicants, so nobody is matched again until
    a coordinator has checked with them and approved them; anyone who does not return is simply
    withdrawn. Each side gets ``continue_with`` set to the other's email, so the engine prefers
    the pair again when it is still feasible (it rewards continue_with on *both* sides).
    A tutor has room for one ``continue_with``: a tutor with several continuing students keeps the
    longest-running pair (earliest confirmation); the other students still name the tutor.
    Their answers and the consent they gave last semester come with them; notes do not.
    """
    if previous.purged_at is not None:
        raise DomainError(
            f"The personal data of semester {previous.name!r} was purged; nobody can be carried over.",
            field="from",
        )
    semester = create_semester(
        name,
        starts_on,
        ends_on,
        session_minutes if session_minutes is not None else previous.session_minutes,
        actor=actor,
    )
    partner: dict[int, Applicant] = {}
    people: dict[int, Applicant] = {}
    for match in returning_pairs(previous):
        people.setdefault(match.student_id, match.student)
        people.setdefault(match.tutor_id, match.tutor)
        partner.setdefault(match.student_id, match.tutor)
        partner.setdefault(match.tutor_id, match.student)
    carried_people = []
    for old in people.values():
        carried = Applicant(
            public_id=new_public_id(old.role),
            semester_id=semester.id,
            status=ApplicantStatus.PENDING,
            continue_with=partner[old.id].email,
            **{field: getattr(old, field) for field in CARRIED_FIELDS},
        )
        db.session.add(carried)
        carried_people.append(carried)
    db.session.flush()
    for carried in carried_people:
        # A new semester, a new private page: its link goes to the person by email.
        token, carried.edit_token_hash = new_edit_token()
        send_private_link(carried, token, MailKind.NEW_SEMESTER)
    students = sum(1 for p in people.values() if p.role == "student")
    mutual = sum(
        1 for p in people.values() if p.role == "student" and partner[partner[p.id].id].id == p.id
    )
    result = CarryOver(semester, students, len(people) - students, mutual)
    record_event(
        "semester.start_next",
        actor=actor,
        target=f"semester:{semester.id}",
        detail={
            "from": f"semester:{previous.id}",
            "students": result.students,
            "tutors": result.tutors,
            "continuing_pairs": result.continuing_pairs,
        },
    )
    return result
