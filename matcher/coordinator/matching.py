"""Matching pages: run, proposals, alternatives, why-not, pair actions and exclusions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from matcher.coordinator.forms import ConfirmForm
from matcher.database import reads_first
from matcher.extensions import db
from matcher.matching.people import Weights
from matcher.models import (
    Applicant,
    ApplicantStatus,
    Match,
    MatchRun,
    Semester,
)
from matcher.security.redirects import safe_next
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.pairs.actions import (
    ACTIVE,
    confirm_all,
    confirm_pairs,
    end_pair,
    exclude_pair,
    find_person,
    get_pair,
    lock_pair,
    pair_choice,
    pair_manually,
    remove_exclusion,
    unlock_pair,
)
from matcher.services.pairs.exclusions import excluded_pairs
from matcher.services.pairs.matching import (
    WEIGHT_NAMES,
    alternatives_for,
    explain_for,
    run_matching,
    tutor_pair_counts,
    unmatched_preview,
    weights_from,
)

blueprint = Blueprint("matching", __name__)


def _semester(semester_id: int) -> Semester:
    semester = db.session.get(Semester, semester_id)
    if semester is None:
        abort(404)
    return semester


def _actor() -> str:
    return user_actor(current_user.id)


def _check_csrf() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _commit(change: Callable[[], str]) -> bool:
    """Make one change: commit it and flash its message, or roll back and flash the rule it broke."""
    try:
        message = change()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(message, "info")
    return True


def _back(semester_id: int) -> Response:
    target = safe_next(request.form.get("back"), "")  # no host, no control characters
    if target.startswith("/dashboard/") and "//" not in target:
        return redirect(target)
    return redirect(url_for(".index", semester_id=semester_id))


def _parameters() -> tuple[Weights, int | None, dict[str, str]]:
    weights, minutes, values, errors = _read_parameters()
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    return weights, minutes, values


def _read_parameters() -> tuple[Weights, int | None, dict[str, str], dict[str, str]]:
    """The run form's values as typed, and every problem with them by field (all at once)."""
    raw = {name: request.form.get(name, "").strip() for name in WEIGHT_NAMES}
    given = {k: v for k, v in raw.items() if v}
    minutes_text = request.form.get("session_minutes", "").strip()
    values = {**raw, "session_minutes": minutes_text}
    errors: dict[str, str] = {}
    minutes = None
    if minutes_text and not minutes_text.isdecimal():
        errors["session_minutes"] = "Session length is a whole number of minutes."
    elif minutes_text:
        minutes = int(minutes_text)
    for name, value in given.items():
        try:
            weights_from({name: value})
        except DomainError as error:
            errors[name] = error.message
    weights = Weights() if errors else weights_from(given)
    return weights, minutes, values, errors


def _pairs(semester: Semester) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match)
            .options(joinedload(Match.student), joinedload(Match.tutor))
            .where(Match.semester_id == semester.id, Match.status.in_(ACTIVE))
            .order_by(Match.status, Match.score.desc(), Match.id)
        )
    )


@blueprint.get("/semesters/<int:semester_id>/matching")
def index(semester_id: int) -> str:
    return _index_page(_semester(semester_id))


def _index_page(
    semester: Semester, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> str:
    """The matching page; after a refused run form, with what was typed and each problem."""
    last_run = db.session.scalars(
        select(MatchRun).where(MatchRun.semester_id == semester.id).order_by(MatchRun.id.desc())
    ).first()
    return render_template(
        "coordinator/matching.html",
        semester=semester,
        pairs=_pairs(semester),
        last_run=last_run,
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
    semester = _semester(semester_id)
    _check_csrf()
    weights, minutes, values, errors = _read_parameters()
    if errors:
        return _index_page(semester, values, errors), 400
    try:
        outcome = run_matching(
            semester, actor=_actor(), session_minutes=minutes, weights=weights, save=False
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
    semester = _semester(semester_id)
    _check_csrf()

    def change() -> str:
        weights, minutes, _values = _parameters()
        outcome = run_matching(
            semester,
            actor=_actor(),
            user_id=current_user.id,
            session_minutes=minutes,
            weights=weights,
        )
        stats = outcome.plan.statistics
        return f"Saved run: {stats.matched} of {stats.students} students matched."

    _commit(change)
    return redirect(url_for(".index", semester_id=semester.id))


@blueprint.get("/semesters/<int:semester_id>/matching/unmatched")
def unmatched(semester_id: int) -> str | Response:
    """Who a run would leave without a partner, with the engine's reason and what would help."""
    semester = _semester(semester_id)
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
    semester = _semester(semester_id)
    person = find_person(semester, public_id, "student")
    alternatives = alternatives_for(semester, person) if person.status == "approved" else []
    tutors = _tutors(semester)
    explanation = None
    asked = request.args.get("tutor", "").strip()
    if asked:
        try:
            explanation = explain_for(semester, person, find_person(semester, asked, "tutor"))
        except DomainError as error:
            flash(error.message, "error")
    current = db.session.scalars(
        select(Match).where(Match.student_id == person.id, Match.status.in_(ACTIVE))
    ).first()
    return render_template(
        "coordinator/student_options.html",
        semester=semester,
        student=person,
        current=current,
        alternatives=alternatives,
        tutors=tutors,
        taken=tutor_pair_counts(semester),
        explanation=explanation,
        asked=asked,
        action=ConfirmForm(),
    )


def _tutors(semester: Semester) -> dict[str, Applicant]:
    """Approved tutors by name; sorted in Python because names are encrypted in the database."""
    tutors = db.session.scalars(
        select(Applicant).where(
            Applicant.semester_id == semester.id,
            Applicant.role == "tutor",
            Applicant.status == ApplicantStatus.APPROVED.value,
        )
    ).all()
    return {t.public_id: t for t in sorted(tutors, key=lambda t: (t.display_name.casefold(), t.id))}


def _version() -> int | None:
    text = request.form.get("version", "")
    return int(text) if text.isdecimal() and len(text) < 10 else None


def _pair_action(pair_id: str, act: Callable[[Match], str]) -> Response:
    """Run one pair action; a race or a rule becomes a message, the page reloads either way."""
    _check_csrf()
    match = get_pair(pair_id)
    semester_id = match.semester_id
    _commit(lambda: act(match))
    return _back(semester_id)


@blueprint.post("/pairs/<pair_id>/lock")
def lock(pair_id: str) -> Response:
    return _pair_action(
        pair_id,
        lambda m: (
            f"Locked {lock_pair(m.public_id, _version(), actor=_actor()).public_id}: "
            "every later run keeps it."
        ),
    )


@blueprint.post("/pairs/<pair_id>/unlock")
def unlock(pair_id: str) -> Response:
    return _pair_action(
        pair_id,
        lambda m: f"Unlocked {unlock_pair(m.public_id, _version(), actor=_actor()).public_id}.",
    )


@blueprint.post("/pairs/<pair_id>/end")
def end(pair_id: str) -> Response:
    def act(match: Match) -> str:
        end_pair(match.public_id, _version(), request.form.get("reason", ""), actor=_actor())
        return (
            f"Ended {match.public_id}. Both people are free: re-run matching to find them new "
            "partners (locked and confirmed pairs stay)."
        )

    return _pair_action(pair_id, act)


@blueprint.post("/pairs/<pair_id>/exclude")
def exclude(pair_id: str) -> Response:
    def act(match: Match) -> str:
        exclude_pair(
            match.student.semester,
            match.student,
            match.tutor,
            request.form.get("reason", ""),
            actor=_actor(),
            user_id=current_user.id,
            pair_version=_version(),
        )
        return f"Excluded {match.student.public_id} with {match.tutor.public_id}: never proposed again."

    return _pair_action(pair_id, act)


@blueprint.post("/semesters/<int:semester_id>/matching/exclude")
def exclude_people(semester_id: int) -> Response:
    semester = _semester(semester_id)
    _check_csrf()

    def change() -> str:
        student = find_person(semester, request.form.get("student", ""), "student")
        tutor = find_person(semester, request.form.get("tutor", ""), "tutor")
        exclude_pair(
            semester,
            student,
            tutor,
            request.form.get("reason", ""),
            actor=_actor(),
            user_id=current_user.id,
        )
        return f"Excluded {student.public_id} with {tutor.public_id}."

    _commit(change)
    return _back(semester.id)


@blueprint.post("/semesters/<int:semester_id>/matching/exclusions/<int:exclusion_id>/remove")
def remove_excluded(semester_id: int, exclusion_id: int) -> Response:
    """Lift an exclusion; a stale page (already removed, say) gets "changed meanwhile"."""
    semester = _semester(semester_id)
    _check_csrf()

    def change() -> str:
        student, tutor = remove_exclusion(exclusion_id, actor=_actor(), semester=semester)
        return (
            f"Removed the exclusion of {student} with {tutor}: "
            "the next matching run may propose them again."
        )

    _commit(change)
    return redirect(url_for(".index", semester_id=semester.id))


@blueprint.post("/semesters/<int:semester_id>/matching/manual")
def manual(semester_id: int) -> Response:
    semester = _semester(semester_id)
    _check_csrf()

    def change() -> str:
        student = find_person(semester, request.form.get("student", ""), "student")
        tutor = find_person(semester, request.form.get("tutor", ""), "tutor")
        match = pair_manually(
            semester,
            student,
            tutor,
            actor=_actor(),
            override=request.form.get("override") == "yes",
            note=request.form.get("note"),
        )
        return f"Paired {student.public_id} with {tutor.public_id} as {match.public_id} (locked)."

    if _commit(change) or request.form.get("back"):
        return _back(semester.id)
    # Refused from the matching page's own form: back to it with the two ids still filled in
    # (pseudonymous ids only; the note may name someone, so it stays out of the URL).
    student, tutor = (request.form.get(k, "").strip()[:20] for k in ("student", "tutor"))
    back = url_for(".index", semester_id=semester.id, student=student, tutor=tutor)
    return redirect(back + "#pair-by-hand")


@blueprint.post("/semesters/<int:semester_id>/matching/confirm")
def confirm(semester_id: int) -> Response:
    """Confirm the ticked pairs (each value is "<pair id>:<version seen>"), or all of them."""
    semester = _semester(semester_id)
    _check_csrf()

    def change() -> str:
        if request.form.get("all") == "yes":
            count = confirm_all(semester, actor=_actor(), user_id=current_user.id)
        else:
            chosen = [pair_choice(value) for value in request.form.getlist("selected")]
            count = confirm_pairs(chosen, actor=_actor(), user_id=current_user.id)
        return f"Confirmed {count} pair(s). Applicants see their partner on their private page."

    _commit(change)
    return _back(semester.id)
