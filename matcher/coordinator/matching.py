"""Matching pages: run, proposals, alternatives, why-not, pair actions and exclusions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.coordinator.changes import commit_or_flash
from matcher.coordinator.forms import ConfirmForm
from matcher.coordinator.matching_forms import (
    ActionForm,
    ConfirmPairsForm,
    ExcludeForm,
    ManualPairForm,
    PairActionForm,
    RunForm,
)
from matcher.database import reads_first
from matcher.domain import ApplicantStatus
from matcher.extensions import db
from matcher.matching.people import Weights
from matcher.models import Match, Semester
from matcher.security.redirects import safe_next
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.mail.notices import tell_pair_ended
from matcher.services.pairs.actions import (
    confirm_all,
    confirm_pairs,
    end_pair,
    exclude_pair,
    find_person,
    get_pair,
    lock_pair,
    pair_manually,
    remove_exclusion,
    unlock_pair,
)
from matcher.services.pairs.exclusions import excluded_pairs
from matcher.services.pairs.matching import (
    alternatives_for,
    explain_for,
    run_matching,
    tutor_pair_counts,
    unmatched_preview,
)
from matcher.services.pairs.pages import active_pairs, approved_tutors, current_pair, last_run

blueprint = Blueprint("matching", __name__)


def _actor() -> str:
    return user_actor(current_user.id)


def _back(semester_id: int, form: ActionForm) -> Response:
    target = safe_next(form.back.data, "")  # no host, no control characters
    if target.startswith("/dashboard/") and "//" not in target:
        return redirect(target)
    return redirect(url_for(".index", semester_id=semester_id))


@blueprint.get("/semesters/<int:semester_id>/matching")
def index(semester_id: int) -> str:
    return _index_page(db.get_or_404(Semester, semester_id))


def _index_page(
    semester: Semester, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> str:
    """The matching page; after a refused run form, with what was typed and each problem."""
    return render_template(
        "coordinator/matching.html",
        semester=semester,
        pairs=active_pairs(semester),
        last_run=last_run(semester),
        defaults=asdict(Weights()),
        values=values or {},
        errors=errors or {},
        exclusions=excluded_pairs(semester),
        action=ConfirmForm(),
    )


@blueprint.post("/semesters/<int:semester_id>/matching/preview")
@reads_first  # writes nothing: the engine solves without the write lock
def preview(semester_id: int) -> str | Response | tuple[str, int]:
    """Run the engine without saving, and show what would change."""
    semester = db.get_or_404(Semester, semester_id)
    form = RunForm()
    values, errors = form.values(), form.problems()
    if errors:
        return _index_page(semester, values, errors), 400
    try:
        outcome = run_matching(
            semester,
            actor=_actor(),
            session_minutes=form.minutes(),
            weights=form.weights(),
            save=False,
        )
    except DomainError as error:
        if error.field in values:  # e.g. a session length the engine cannot use
            return _index_page(semester, values, {error.field: error.message}), 400
        flash(error.message, "error")
        return redirect(url_for(".index", semester_id=semester.id))
    return render_template(
        "coordinator/matching_preview.html",
        semester=semester,
        plan=outcome.plan,
        people=outcome.applicants,
        values=values,
        action=ConfirmForm(),
    )


@blueprint.post("/semesters/<int:semester_id>/matching/run")
@reads_first  # the engine solves before the write lock is taken (matcher/database.py)
def save_run(semester_id: int) -> Response:
    semester = db.get_or_404(Semester, semester_id)
    form = RunForm()

    def change() -> str:
        for field, message in form.problems().items():
            raise DomainError(message, field=field)
        outcome = run_matching(
            semester,
            actor=_actor(),
            user_id=current_user.id,
            session_minutes=form.minutes(),
            weights=form.weights(),
        )
        stats = outcome.plan.statistics
        return f"Saved run: {stats.matched} of {stats.students} students matched."

    commit_or_flash(change)
    return redirect(url_for(".index", semester_id=semester.id))


@blueprint.get("/semesters/<int:semester_id>/matching/unmatched")
def unmatched(semester_id: int) -> str | Response:
    """Who a run would leave without a partner, with the engine's reason and what would help."""
    semester = db.get_or_404(Semester, semester_id)
    try:
        outcome = unmatched_preview(semester)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".index", semester_id=semester.id))
    return render_template(
        "coordinator/unmatched.html",
        semester=semester,
        plan=outcome.plan,
        people=outcome.applicants,
    )


@blueprint.get("/semesters/<int:semester_id>/matching/students/<public_id>")
def student(semester_id: int, public_id: str) -> str:
    """A student's best alternatives, and "why not?" for any tutor a coordinator names."""
    semester = db.get_or_404(Semester, semester_id)
    person = find_person(semester, public_id, "student")
    alternatives = (
        alternatives_for(semester, person) if person.status == ApplicantStatus.APPROVED else []
    )
    tutors = approved_tutors(semester)
    explanation = None
    asked = request.args.get("tutor", "").strip()
    if asked:
        try:
            explanation = explain_for(semester, person, find_person(semester, asked, "tutor"))
        except DomainError as error:
            flash(error.message, "error")
    return render_template(
        "coordinator/student_options.html",
        semester=semester,
        student=person,
        current=current_pair(person),
        alternatives=alternatives,
        tutors=tutors,
        taken=tutor_pair_counts(semester),
        explanation=explanation,
        asked=asked,
        action=ConfirmForm(),
    )


def _pair_action(pair_id: str, act: Callable[[Match, PairActionForm], str]) -> Response:
    """Run one pair action; a race or a rule becomes a message, the page reloads either way."""
    form = PairActionForm()
    match = get_pair(pair_id)
    semester_id = match.semester_id
    commit_or_flash(lambda: act(match, form))
    return _back(semester_id, form)


@blueprint.post("/pairs/<pair_id>/lock")
def lock(pair_id: str) -> Response:
    def act(match: Match, form: PairActionForm) -> str:
        locked = lock_pair(match.public_id, form.version.data, actor=_actor())
        return f"Locked {locked.public_id}: every later run keeps it."

    return _pair_action(pair_id, act)


@blueprint.post("/pairs/<pair_id>/unlock")
def unlock(pair_id: str) -> Response:
    def act(match: Match, form: PairActionForm) -> str:
        unlocked = unlock_pair(match.public_id, form.version.data, actor=_actor())
        return f"Unlocked {unlocked.public_id}."

    return _pair_action(pair_id, act)


@blueprint.post("/pairs/<pair_id>/end")
def end(pair_id: str) -> Response:
    def act(match: Match, form: PairActionForm) -> str:
        ended = end_pair(match.public_id, form.version.data, form.reason.data, actor=_actor())
        include = request.form.get("tell_reason") == "yes"
        told = tell_pair_ended(ended, reason=ended.end_reason if include else None)
        return (
            f"Ended {match.public_id}; {told} email(s) queued. Both people are free: re-run "
            "matching to find them new partners (locked and confirmed pairs stay)."
        )

    return _pair_action(pair_id, act)


@blueprint.post("/pairs/<pair_id>/exclude")
def exclude(pair_id: str) -> Response:
    def act(match: Match, form: PairActionForm) -> str:
        exclude_pair(
            match.student.semester,
            match.student,
            match.tutor,
            form.reason.data,
            actor=_actor(),
            user_id=current_user.id,
            pair_version=form.version.data,
        )
        return f"Excluded {match.student.public_id} with {match.tutor.public_id}: never proposed again."

    return _pair_action(pair_id, act)


@blueprint.post("/semesters/<int:semester_id>/matching/exclude")
def exclude_people(semester_id: int) -> Response:
    semester = db.get_or_404(Semester, semester_id)
    form = ExcludeForm()

    def change() -> str:
        student = find_person(semester, form.student.data, "student")
        tutor = find_person(semester, form.tutor.data, "tutor")
        exclude_pair(
            semester,
            student,
            tutor,
            form.reason.data,
            actor=_actor(),
            user_id=current_user.id,
        )
        return f"Excluded {student.public_id} with {tutor.public_id}."

    commit_or_flash(change)
    return _back(semester.id, form)


@blueprint.post("/semesters/<int:semester_id>/matching/exclusions/<int:exclusion_id>/remove")
def remove_excluded(semester_id: int, exclusion_id: int) -> Response:
    """Lift an exclusion; a stale page (already removed, say) gets "changed meanwhile"."""
    semester = db.get_or_404(Semester, semester_id)

    def change() -> str:
        student, tutor = remove_exclusion(exclusion_id, actor=_actor(), semester=semester)
        return (
            f"Removed the exclusion of {student} with {tutor}: "
            "the next matching run may propose them again."
        )

    commit_or_flash(change)
    return redirect(url_for(".index", semester_id=semester.id))


@blueprint.post("/semesters/<int:semester_id>/matching/manual")
def manual(semester_id: int) -> Response:
    semester = db.get_or_404(Semester, semester_id)
    form = ManualPairForm()

    def change() -> str:
        student = find_person(semester, form.student.data, "student")
        tutor = find_person(semester, form.tutor.data, "tutor")
        match = pair_manually(
            semester,
            student,
            tutor,
            actor=_actor(),
            override=form.overrides(),
            note=form.note.data,
        )
        return f"Paired {student.public_id} with {tutor.public_id} as {match.public_id} (locked)."

    if commit_or_flash(change) or form.back.data:
        return _back(semester.id, form)
    # Refused from the matching page's own form: back to it with the two ids still filled in
    # (pseudonymous ids only; the note may name someone, so it stays out of the URL).
    student, tutor = (field.data.strip()[:20] for field in (form.student, form.tutor))
    back = url_for(".index", semester_id=semester.id, student=student, tutor=tutor)
    return redirect(back + "#pair-by-hand")


@blueprint.post("/semesters/<int:semester_id>/matching/confirm")
def confirm(semester_id: int) -> Response:
    """Confirm the ticked pairs (each value is "<pair id>:<version seen>"), or all of them."""
    semester = db.get_or_404(Semester, semester_id)
    form = ConfirmPairsForm()

    def change() -> str:
        if form.everything():
            count = confirm_all(semester, actor=_actor(), user_id=current_user.id)
        else:
            count = confirm_pairs(form.chosen(), actor=_actor(), user_id=current_user.id)
        return f"Confirmed {count} pair(s). Applicants see their partner on their private page."

    commit_or_flash(change)
    return _back(semester.id, form)
