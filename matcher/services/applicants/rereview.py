"""Approved applicants who changed who they are through their private link: flagged for review.

An approval is a coordinator's judgement of a name, an email, a time zone and a gender
preference (the last is a hard rule of the matching). When an approved applicant changes any
of them through the private link, the approval no longer covers what is stored, so the change
is recorded (field names only, never values) and the applicant shows as "changed since
approval" on the dashboard until a coordinator marks it reviewed or approves them again.
The flag is read from the audit trail, which already orders every approval and every change.
"""

from __future__ import annotations

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, ApplicantStatus, AuditEvent, Semester
from matcher.services.applicants.review import STATUS_ACTIONS
from matcher.services.audit import record_event

REVIEW_FIELDS = {
    "display_name": "name",
    "email": "email",
    "timezone": "time zone",
    "gender_preference": "gender preference",
}
CHANGED = "applicant.changed_after_approval"
REVIEWED = "applicant.change_reviewed"
APPROVED = STATUS_ACTIONS[ApplicantStatus.APPROVED.value]


def reviewed_values(applicant: Applicant) -> dict[str, object]:
    """What an approval covered, to compare with after an edit."""
    return {name: getattr(applicant, name) for name in REVIEW_FIELDS}


def note_changes_after_approval(applicant: Applicant, before: dict[str, object]) -> list[str]:
    """Record which reviewed fields an approved applicant just changed; returns their names."""
    changed = [name for name in REVIEW_FIELDS if getattr(applicant, name) != before[name]]
    if changed and applicant.status == ApplicantStatus.APPROVED:
        record_event(
            CHANGED,
            actor=f"applicant:{applicant.public_id}",
            target=applicant.public_id,
            detail={"fields": changed},
        )
    return changed


def changed_since_approval(semester: Semester) -> dict[str, list[str]]:
    """Public id -> the fields (as coordinators call them) changed since the last approval or
    review, for the semester's approved applicants."""
    approved = select(Applicant.public_id).where(
        Applicant.semester_id == semester.id,
        Applicant.status == ApplicantStatus.APPROVED.value,
    )
    events = db.session.execute(
        select(AuditEvent.target, AuditEvent.action, AuditEvent.detail)
        .where(
            AuditEvent.action.in_((CHANGED, REVIEWED, APPROVED)), AuditEvent.target.in_(approved)
        )
        .order_by(AuditEvent.id)
    ).all()
    flagged: dict[str, list[str]] = {}
    for target, action, detail in events:
        if action != CHANGED:
            flagged.pop(target, None)
            continue
        fields = flagged.setdefault(target, [])
        for name in detail.get("fields", []):
            label = REVIEW_FIELDS.get(name)
            if label and label not in fields:
                fields.append(label)
    return flagged


def mark_change_reviewed(applicant: Applicant, *, actor: str) -> None:
    record_event(REVIEWED, actor=actor, target=applicant.public_id)
