"""The applicant's own writes from the public forms: apply, edit through the private link, withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _

from matcher.domain import ApplicantDraft
from matcher.domain.windows import WeeklyWindow, format_windows, merge_windows
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
from matcher.services.applicants.adding import (
    add_applicant,
    apply_fields,
    find_applicant,
    new_edit_token,
)
from matcher.services.applicants.links import applicant_for_token as applicant_for_token
from matcher.services.applicants.rereview import note_changes_after_approval, reviewed_values
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.mail.link_requests import send_fresh_link
from matcher.services.mail.notices import send_private_link, tell_pair_ended
from matcher.services.pairs.records import active_pairs_of, end_match

WITHDRAWN_REASON = "withdrawn by applicant"
AVAILABILITY_REASON = "availability changed by applicant"


def _actor(applicant: Applicant) -> str:
    return f"applicant:{applicant.public_id}"


def _check_windows(semester: Semester, windows: tuple[WeeklyWindow, ...]) -> None:
    longest = max((w.minutes for w in merge_windows(windows)), default=0)
    if longest < semester.session_minutes:
        raise DomainError(
            _(
                "Please choose at least one block of %(minutes)d minutes in a row.",
                minutes=semester.session_minutes,
            ),
            field="slots",
        )


def _duplicate_error() -> DomainError:
    # Only for someone already holding a private link who changes their email to one in use;
    # says nothing about the other application (not its name, status or time).
    return DomainError(
        _(
            "This email was already used to apply this semester. "
            "Please use the private link you got after applying to see or change it."
        ),
        field="email",
    )


def submit_application(semester: Semester, fields: ApplicantDraft, *, notice_version: str) -> str:
    """Save a new application and return its private-link token (shown once, never stored).

    An email that already applied this semester (same role) gets the same answer: a token of
    the same form that opens nothing, and the first application stays as it was. The page
    must never tell whoever sent the form whether that email is known (for this program that
    alone can endanger someone); the person behind the email hears of it through
    :func:`applied_again`.
    """
    if semester.status != SemesterStatus.INTAKE:
        raise DomainError(_("Sign-ups for this semester are closed."))
    _check_windows(semester, fields.windows)
    existing = find_applicant(semester, fields.role, fields.email)
    if existing is not None:
        applied_again(existing)
        return unusable_token()
    applicant = add_applicant(semester, fields, notice_version=notice_version)
    token, token_hash = new_edit_token()
    applicant.edit_token_hash = token_hash
    applicant.consented_at = datetime.now(UTC)
    db.session.flush()
    record_event(
        "applicant.submitted",
        actor=_actor(applicant),
        target=applicant.public_id,
        detail={"role": applicant.role},
    )
    send_private_link(applicant, token, MailKind.SIGNUP)
    return token


def unusable_token() -> str:
    """Looks like any private-link token; its hash is stored nowhere, so it opens nothing."""
    token, _unused_hash = new_edit_token()
    return token


def applied_again(existing: Applicant) -> None:
    """The one place for "someone sent the sign-up form with an email that already applied".

    The sender is answered as if the email were new; only the person behind the email may
    learn more: a fresh private link goes to the address (their own), within the hourly cap
    that "email me my link" has, so the form cannot flood their inbox.
    """
    record_event("applicant.applied_again", actor="anonymous", target=existing.public_id)
    send_fresh_link(existing)


def can_edit_everything(applicant: Applicant) -> bool:
    return (
        applicant.semester.status == SemesterStatus.INTAKE
        and applicant.status != ApplicantStatus.WITHDRAWN
    )


def can_change_availability(applicant: Applicant) -> bool:
    """After intake only the weekly times may change (schedules do change mid-semester)."""
    return applicant.status != ApplicantStatus.WITHDRAWN and not applicant.semester.is_closed


def _end_matches(applicant: Applicant, reason: str) -> None:
    """Free both people of every active pair, and flag it for the coordinators."""
    for match in active_pairs_of(applicant.id):
        _end_match(applicant, match, reason)


def _end_match(applicant: Applicant, match: Match, reason: str) -> None:
    end_match(match, reason)
    record_event(
        "match.ended_by_applicant",
        actor=_actor(applicant),
        target=match.public_id,
        detail={"applicant": applicant.public_id, "reason": reason},
    )
    # The partner hears of it; the reason (this person's own change) is not theirs to read.
    tell_pair_ended(match, reason=None, skip=applicant)


def _end_pairs_that_no_longer_fit(applicant: Applicant) -> int:
    """After new times or a new zone: keep each active pair that still shares a full session
    every week (its shown times are brought up to date), end the others; how many ended."""
    from matcher.services.pairs.matching import explain_for  # the engine, only when times changed

    unfit = []
    for match in active_pairs_of(applicant.id):
        why = explain_for(applicant.semester, match.student, match.tutor)
        if why.feasible:
            match.windows_seoul = why.windows_seoul
            match.windows_student_local = why.windows_student_local
            match.windows_tutor_local = why.windows_tutor_local
        else:
            unfit.append(match)
    for match in unfit:
        _end_match(applicant, match, AVAILABILITY_REASON)
    return len(unfit)


def edit_application(applicant: Applicant, fields: ApplicantDraft) -> int:
    """Change an application while the semester takes sign-ups; returns how many pairs ended
    because the new times or zone no longer fit them."""
    if not can_edit_everything(applicant):
        raise DomainError(_("This application can no longer be changed."))
    if fields.email.strip().lower() != applicant.email:
        other = find_applicant(applicant.semester, applicant.role, fields.email)
        if other is not None:
            raise _duplicate_error()
    _check_windows(applicant.semester, fields.windows)
    old_windows = applicant.availability
    old_zone = applicant.timezone
    approved_as = reviewed_values(applicant)
    apply_fields(applicant, fields)
    applicant.note = fields.note or None
    applicant.language = fields.page_language
    db.session.flush()
    changed = applicant.availability != old_windows or applicant.timezone != old_zone
    ended = _end_pairs_that_no_longer_fit(applicant) if changed else 0
    record_event(
        "applicant.edited",
        actor=_actor(applicant),
        target=applicant.public_id,
        detail={"availability_changed": changed},
    )
    note_changes_after_approval(applicant, approved_as)
    return ended


def change_availability(applicant: Applicant, windows: tuple[WeeklyWindow, ...]) -> bool:
    """Change only the weekly times (after intake); returns whether a pair was ended (a pair
    that still shares a full session every week is kept)."""
    if not can_change_availability(applicant):
        raise DomainError(_("This application can no longer be changed."))
    _check_windows(applicant.semester, windows)
    new_text = format_windows(windows)
    if new_text == applicant.availability:
        return False
    applicant.availability = new_text
    db.session.flush()
    ended = _end_pairs_that_no_longer_fit(applicant)
    record_event(
        "applicant.edited",
        actor=_actor(applicant),
        target=applicant.public_id,
        detail={"availability_changed": True},
    )
    return ended > 0


def can_withdraw(applicant: Applicant) -> bool:
    """Until the semester closes: a closed semester's record (its roster) is final."""
    return applicant.status != ApplicantStatus.WITHDRAWN and not applicant.semester.is_closed


def withdraw_application(applicant: Applicant) -> None:
    """Withdraw while the semester runs; a pair the applicant was in ends and its partner is
    free again. Once the semester is closed nothing changes: its roster is the record."""
    if applicant.status == ApplicantStatus.WITHDRAWN:
        return
    if applicant.semester.is_closed:
        raise DomainError(
            _(
                "This semester has ended, so there is nothing left to withdraw from. "
                "To have your details removed sooner, please ask a coordinator."
            )
        )
    _end_matches(applicant, WITHDRAWN_REASON)
    applicant.status = ApplicantStatus.WITHDRAWN
    db.session.flush()
    record_event("applicant.withdrawn", actor=_actor(applicant), target=applicant.public_id)


@dataclass(frozen=True)
class ApplicationStatus:
    """What the private page shows; partner details only once a coordinator confirmed the pair."""

    state: str  # received, approved, matched, waitlisted, withdrawn
    # (partner display name, weekly time in the applicant's own local time, outputs.md format)
    partners: tuple[tuple[str, str], ...] = ()


def application_status(applicant: Applicant) -> ApplicationStatus:
    if applicant.status == ApplicantStatus.WITHDRAWN:
        return ApplicationStatus("withdrawn")
    if applicant.status == ApplicantStatus.WAITLISTED:
        return ApplicationStatus("waitlisted")
    if applicant.status == ApplicantStatus.PENDING:
        return ApplicationStatus("received")
    confirmed = [m for m in active_pairs_of(applicant.id) if m.status == MatchStatus.CONFIRMED]
    if not confirmed:
        return ApplicationStatus("approved")
    if applicant.role == "student":
        partners = tuple((m.tutor.display_name, m.windows_student_local) for m in confirmed)
    else:  # a tutor may have up to three students
        partners = tuple((m.student.display_name, m.windows_tutor_local) for m in confirmed)
    return ApplicationStatus("matched", partners)
