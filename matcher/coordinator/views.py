"""The dashboard blueprint: one login-and-role check for every page, then the semester overview."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from matcher.coordinator import (
    accounts,
    applicants,
    audit,
    matching,
    outbox,
    semesters,
    sessions,
)
from matcher.coordinator.changes import commit_or_flash
from matcher.coordinator.forms import ConfirmForm
from matcher.coordinator.semesters import retention_reminders
from matcher.domain import ApplicantStatus, MatchStatus, SemesterStatus
from matcher.extensions import db, login_manager
from matcher.models import Semester, UserRole
from matcher.services.applicants.listing import FEW_OPTIONS
from matcher.services.applicants.review import applicant_flags
from matcher.services.audit import user_actor
from matcher.services.constraints import RACE_CONSTRAINTS, constraint_name
from matcher.services.errors import NotFound
from matcher.services.pairs.matching import feasible_partner_counts
from matcher.services.semesters.overview import few_option_students, heat_map, semester_counts
from matcher.services.semesters.stages import list_semesters, move_semester

blueprint = Blueprint("coordinator", __name__, url_prefix="/dashboard")
blueprint.register_blueprint(accounts.blueprint)
blueprint.register_blueprint(applicants.blueprint)
blueprint.register_blueprint(audit.blueprint)
blueprint.register_blueprint(matching.blueprint)
blueprint.register_blueprint(outbox.blueprint)
blueprint.register_blueprint(semesters.blueprint)
blueprint.register_blueprint(sessions.blueprint)

DASHBOARD_ROLES = frozenset({UserRole.COORDINATOR, UserRole.ADMIN})


@blueprint.before_request
def require_coordinator() -> Response | None:
    """Deny by default: every dashboard route, present or future, passes through here first."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in DASHBOARD_ROLES:
        abort(403)
    if current_user.must_change_password:
        # An admin chose (and saw) this password; nothing opens until the account picks its own.
        # The password page and sign-out live in the auth blueprint, so they stay reachable.
        flash(
            "Choose your own password before continuing: the one you signed in with is temporary.",
            "info",
        )
        return redirect(url_for("auth.password"))
    return None


@blueprint.context_processor
def statuses() -> dict[str, object]:
    """The domain's statuses by name, so templates compare with members instead of spelling
    their texts (``m.status == MatchStatus.LOCKED``)."""
    return {
        "ApplicantStatus": ApplicantStatus,
        "MatchStatus": MatchStatus,
        "SemesterStatus": SemesterStatus,
    }


@blueprint.after_request
def no_store(response: Response) -> Response:
    """Pages with names and contacts must not linger in a shared computer's browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    return render_template("coordinator/not_found.html"), 404


@blueprint.errorhandler(StaleDataError)
@blueprint.errorhandler(IntegrityError)
def changed_meanwhile(error: Exception) -> tuple[str, int]:
    """Another coordinator's change reached the database first: nothing of this request was
    saved, and the page says to reload (409) instead of "something went wrong" (500). A
    refusal no race explains (a CHECK, say) is a bug and still goes to the 500 page."""
    if isinstance(error, IntegrityError) and constraint_name(error) not in RACE_CONSTRAINTS:
        raise error
    db.session.rollback()
    return render_template("coordinator/changed.html"), 409


@blueprint.get("/")
def overview() -> str | Response:
    """The newest semester that is not closed, or the list when there is none."""
    semesters = list_semesters()
    open_ones = [s for s in semesters if not s.is_closed]
    if open_ones:
        return redirect(url_for(".semester", semester_id=open_ones[-1].id))
    return render_template(
        "coordinator/semesters.html", semesters=semesters, retention=retention_reminders()
    )


@blueprint.get("/semesters/<int:semester_id>")
def semester(semester_id: int) -> str:
    semester = db.get_or_404(Semester, semester_id)
    feasible = feasible_partner_counts(semester)
    return render_template(
        "coordinator/overview.html",
        semester=semester,
        semesters=list_semesters(),
        counts=semester_counts(semester),
        heat=heat_map(semester),
        few=few_option_students(semester, feasible, FEW_OPTIONS),
        few_limit=FEW_OPTIONS,
        next_statuses=_next_statuses(semester),
        flags=applicant_flags(semester),
        action=ConfirmForm(),
        retention=retention_reminders(),
    )


STATUS_MEANING: dict[str, str] = {
    SemesterStatus.MATCHING: "Sign-up forms close; you can run matching and adjust pairs.",
    SemesterStatus.ACTIVE: "Pairs are meeting; ending a pair re-matches from the current week.",
    SemesterStatus.CLOSED: (
        "Final: nothing in this semester can change any more. Its roster stays downloadable, "
        "and its personal data is due for purging once the retention period has passed."
    ),
}


def _next_statuses(semester: Semester) -> list[SemesterStatus]:
    current = SemesterStatus(semester.status)
    return [s for s in SemesterStatus if s.rank > current.rank]


@blueprint.route("/semesters/<int:semester_id>/status", methods=["GET", "POST"])
def change_status(semester_id: int) -> str | Response:
    """A confirmation page first: moving a semester forward cannot be undone."""
    semester = db.get_or_404(Semester, semester_id)
    target = request.values.get("to", "")
    if target not in _next_statuses(semester):
        flash("That status change is not possible from here.", "error")
        return redirect(url_for(".semester", semester_id=semester.id))
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():

        def change() -> str:
            move_semester(semester, target, actor=user_actor(current_user.id))
            return f"{semester.name} is now in {target}."

        commit_or_flash(change)
        return redirect(url_for(".semester", semester_id=semester.id))
    return render_template(
        "coordinator/semester_status.html",
        semester=semester,
        target=target,
        meaning=STATUS_MEANING.get(target, ""),
        form=form,
    )
