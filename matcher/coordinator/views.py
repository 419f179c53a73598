"""The dashboard blueprint: one login-and-role check for every page, then the semester overview."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.coordinator import accounts, applicants, audit
from matcher.extensions import db, login_manager
from matcher.models import Semester, UserRole
from matcher.services.errors import NotFound
from matcher.services.semesters import list_semesters

blueprint = Blueprint("coordinator", __name__, url_prefix="/dashboard")
blueprint.register_blueprint(accounts.blueprint)
blueprint.register_blueprint(applicants.blueprint)
blueprint.register_blueprint(audit.blueprint)

DASHBOARD_ROLES = frozenset({UserRole.COORDINATOR.value, UserRole.ADMIN.value})


@blueprint.before_request
def require_coordinator() -> Response | None:
    """Deny by default: every dashboard route, present or future, passes through here first."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in DASHBOARD_ROLES:
        abort(403)
    return None


@blueprint.after_request
def no_store(response: Response) -> Response:
    """Pages with names and contacts must not linger in a shared computer's browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(NotFound)
def not_found(_error: NotFound) -> tuple[str, int]:
    return render_template("coordinator/not_found.html"), 404


def get_semester_or_404(semester_id: int) -> Semester:
    semester = db.session.get(Semester, semester_id)
    if semester is None:
        abort(404)
    return semester


@blueprint.get("/")
def overview() -> str | Response:
    """The newest semester that is not closed, or the list when there is none."""
    semesters = list_semesters()
    open_ones = [s for s in semesters if not s.is_closed]
    if open_ones:
        return redirect(url_for(".semester", semester_id=open_ones[-1].id))
    return render_template("coordinator/semesters.html", semesters=semesters)


@blueprint.get("/semesters/<int:semester_id>")
def semester(semester_id: int) -> str:
    semester = get_semester_or_404(semester_id)
    return render_template(
        "coordinator/overview.html", semester=semester, semesters=list_semesters()
    )
