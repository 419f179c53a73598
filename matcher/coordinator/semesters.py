"""Semester-end pages: the roster download, starting the next semester, and the retention reminder."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Field

from matcher.coordinator.downloads import roster_download_response
from matcher.coordinator.forms import RosterDownloadForm, StartNextForm
from matcher.extensions import db
from matcher.models import Semester
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.privacy.purge import (
    retention_ends,
    retention_months,
    semesters_past_retention,
)
from matcher.services.semesters.lifecycle import CarryOver, start_next_semester

blueprint = Blueprint("semesters", __name__)


def _place_error(error: DomainError, fields: dict[str, Field], form_errors: list[str]) -> None:
    """A service's error goes next to the field it names, or above the form when it names none."""
    field = fields.get(error.field or "")
    if field is None:
        form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


@blueprint.route("/semesters/<int:semester_id>/roster", methods=["GET", "POST"])
def roster(semester_id: int) -> str | Response | tuple[str, int]:
    """POST, not GET: the reason and the export itself need the CSRF token, and a link must not
    trigger an audited export by being prefetched or clicked by mistake."""
    semester = db.get_or_404(Semester, semester_id)
    form = RosterDownloadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            return roster_download_response(
                semester,
                form.format.data or "",
                bool(form.include_contacts.data),
                form.reason.data,
                current_user,
            )
        except DomainError as error:
            db.session.rollback()
            _place_error(error, {"format": form.format, "reason": form.reason}, errors)
    page = render_template("coordinator/roster.html", semester=semester, form=form, errors=errors)
    return (page, 400) if request.method == "POST" else page


@blueprint.route("/semesters/<int:semester_id>/start-next", methods=["GET", "POST"])
def start_next(semester_id: int) -> str | Response | tuple[str, int]:
    previous = db.get_or_404(Semester, semester_id)
    form = StartNextForm(session_minutes=previous.session_minutes)
    errors: list[str] = []
    start, end = form.start.data, form.end.data  # None only if not given: validation fails
    if (
        form.validate_on_submit()
        and start is not None
        and end is not None
        and form.check_follows(previous.starts_on)
    ):
        try:
            result = start_next_semester(
                form.name.data or "",
                previous,
                start,
                end,
                actor=user_actor(current_user.id),
                session_minutes=form.session_minutes.data,
            )
        except DomainError as error:
            db.session.rollback()
            fields = {
                "name": form.name,
                "start": form.start,
                "end": form.end,
                "session_minutes": form.session_minutes,
            }
            _place_error(error, fields, errors)
        else:
            db.session.commit()
            flash(carry_over_message(result, previous), "info")
            return redirect(url_for("coordinator.semester", semester_id=result.semester.id))
    page = render_template(
        "coordinator/start_next.html", semester=previous, form=form, errors=errors
    )
    return (page, 400) if request.method == "POST" else page


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def carry_over_message(result: CarryOver, previous: Semester) -> str:
    """The flash after start-next: how many people came over, and what the coordinator does next."""
    people = result.students + result.tutors
    if people == 0:
        return (
            f"{result.semester.name} started. Nobody was carried over: {previous.name} "
            "had no pair still confirmed."
        )
    return (
        f"{result.semester.name} started from {previous.name}: "
        f"{_count(people, 'person', 'people')} carried over "
        f"({_count(result.students, 'student')}, {_count(result.tutors, 'tutor')}; "
        f"{_count(result.continuing_pairs, 'continuing pair')}) as pending applicants. "
        "Approve each of them once they confirm they are coming back."
    )


@dataclass(frozen=True)
class RetentionReminder:
    """A closed semester whose personal data is kept longer than the retention period allows."""

    semester: Semester
    due_since: datetime
    months: int
    command: str


def retention_reminders() -> list[RetentionReminder]:
    """For the overview and the semester list; the command is quoted so it can be pasted as is."""
    months = retention_months()
    return [
        RetentionReminder(
            semester=s,
            due_since=due,
            months=months,
            command=f"flask --app matcher purge --semester {shlex.quote(s.name)}",
        )
        for s in semesters_past_retention(months=months)
        if (due := retention_ends(s, months)) is not None  # always: these are closed
    ]
