"""Dashboard pages for email: the outbox (waiting, sent, failed; retry) and introductions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.coordinator.forms import ConfirmForm
from matcher.extensions import db
from matcher.models import OutboxStatus, Semester
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.mail.introductions import introduce, preview_introductions
from matcher.services.mail.outbox import list_messages, mail_trouble, outbox_counts, retry_message

blueprint = Blueprint("outbox", __name__)


@blueprint.app_context_processor
def mail_status() -> dict[str, object]:
    """`mail_trouble()` for the overview's warning, computed only where a page asks for it."""
    return {"mail_trouble": mail_trouble}


def _semester(semester_id: int) -> Semester:
    semester = db.session.get(Semester, semester_id)
    if semester is None:
        abort(404)
    return semester


@blueprint.get("/outbox")
def index() -> str:
    status = request.args.get("status") or None
    return render_template(
        "coordinator/outbox.html",
        messages=list_messages(status),
        counts=outbox_counts(),
        status=status,
        statuses=[s.value for s in OutboxStatus],
        action=ConfirmForm(),
    )


@blueprint.post("/outbox/<int:message_id>/retry")
def retry(message_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        retry_message(message_id, actor=user_actor(current_user.id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"Message {message_id} will be sent again on the next delivery pass.", "info")
    return redirect(url_for(".index", status="failed"))


@blueprint.route("/semesters/<int:semester_id>/introductions", methods=["GET", "POST"])
def introductions(semester_id: int) -> str | Response:
    """GET shows every message first; POST queues them."""
    semester = _semester(semester_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            count = introduce(semester, actor=user_actor(current_user.id))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".introductions", semester_id=semester.id))
        db.session.commit()
        flash(f"Queued {count} introduction(s); see the outbox.", "info")
        return redirect(url_for("coordinator.matching.index", semester_id=semester.id))
    return render_template(
        "coordinator/introductions.html",
        semester=semester,
        previews=preview_introductions(semester),
        action=form,
    )
