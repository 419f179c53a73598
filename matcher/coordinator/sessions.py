"""Weekly sessions a coordinator should look at: not agreed a week after they were proposed, or
a tutor's pairs that could not get separate times; the coordinator can set a valid start."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from matcher.extensions import db
from matcher.matching.session_text import session_text
from matcher.matching.sessions import Session
from matcher.models import Match, Semester
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.sessions.agreement import (
    SessionState,
    SessionTexts,
    coordinator_set,
    not_agreed,
    session_texts,
    state_of,
)
from matcher.services.sessions.plans import active_matches

blueprint = Blueprint("sessions", __name__, url_prefix="/semesters/<int:semester_id>/sessions")


class SetSessionForm(FlaskForm):
    start = StringField(validators=[DataRequired(), Length(max=32)])


@dataclass(frozen=True)
class Row:
    match: Match
    state: SessionState
    waiting: bool  # not agreed a week after it was proposed


def seoul_and_tutor(session: Session | None, match: Match) -> tuple[str, str]:
    zones = (match.student.timezone, match.tutor.timezone)
    return (
        session_text(session, "Asia/Seoul", *zones),
        session_text(session, match.tutor.timezone, *zones),
    )


@blueprint.app_context_processor
def session_helpers() -> dict[str, object]:
    """``pair_sessions(semester, pairs)``: each pair's session in Seoul time and whether it is
    agreed, computed once for a page of pairs (the matching page's column)."""

    def pair_sessions(semester: Semester, pairs: list[Match]) -> dict[int, SessionTexts]:
        return session_texts(semester, pairs) if pairs else {}

    return {"pair_sessions": pair_sessions}


@blueprint.get("/")
def index(semester_id: int) -> str:
    semester = db.get_or_404(Semester, semester_id)
    waiting = {m.id for m, _ in not_agreed(semester)}
    rows = []
    for m in active_matches(semester):
        state = state_of(m)
        if m.id in waiting or state.overlaps or state.session is None:
            rows.append(Row(m, state, m.id in waiting))
    return render_template(
        "coordinator/sessions.html",
        semester=semester,
        rows=rows,
        texts=seoul_and_tutor,
        form=SetSessionForm(),
    )


@blueprint.post("/<pair_id>")
def set_session(semester_id: int, pair_id: str) -> Response:
    semester = db.get_or_404(Semester, semester_id)
    match = next((m for m in active_matches(semester) if m.public_id == pair_id), None)
    if match is None:
        abort(404)
    form = SetSessionForm()
    if not form.validate():
        flash(f"Choose a time for {pair_id}.", "error")
    else:
        try:
            coordinator_set(match, form.start.data or "", actor=user_actor(current_user.id))
            db.session.commit()
            flash(f"The weekly session of {pair_id} is set for both people.", "success")
        except DomainError as error:
            db.session.rollback()
            flash(f"{pair_id}: {error.message}", "error")
    return redirect(url_for(".index", semester_id=semester.id) + f"#{pair_id}", code=303)
