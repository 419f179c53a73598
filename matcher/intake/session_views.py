"""The weekly session on an applicant's private page: see it, accept it or pick another start,
download it as a calendar file. No login: the private link is the key, as for the page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from matcher.domain import Role
from matcher.extensions import db, limiter
from matcher.intake.views import _load, _private, _rate_limit, blueprint
from matcher.matching.sessions import Session
from matcher.models import Applicant, Match, MatchStatus
from matcher.services.errors import DomainError
from matcher.services.pairs.records import active_pairs_of
from matcher.services.sessions.agreement import choose, state_of
from matcher.services.sessions.texts import clock_change_lines, session_text_lines


class SessionChoiceForm(FlaskForm):
    """Accept a start (the one on the table, or another from the list) for one pair."""

    pair = HiddenField(validators=[DataRequired(), Length(max=16)])
    start = StringField(validators=[DataRequired(), Length(max=32)])


@dataclass(frozen=True)
class Option:
    key: str
    lines: list[str]


@dataclass(frozen=True)
class SessionCard:
    """One pair's session as this person sees it, in their own time."""

    pair_id: str
    partner: str
    weekly: str  # the other times both have, in this person's time (windows text)
    lines: list[str]  # the session, one line per period
    changes: list[str]  # sentences naming the dates where it moves
    key: str
    agreed: bool
    me_accepted: bool
    partner_accepted: bool
    overlaps: bool
    options: list[Option]
    can_change: bool  # false once the semester is closed: its sessions are final


def _lines(session: Session, me: Applicant, partner: Applicant) -> list[str]:
    return session_text_lines(session, me.timezone, partner.timezone)


def _card(match: Match, me: Applicant) -> SessionCard:
    state = state_of(match)
    partner = match.tutor if me.id == match.student_id else match.student
    weekly = match.windows_student_local if me.role == Role.STUDENT else match.windows_tutor_local
    session = state.session
    changes = clock_change_lines(session, me.timezone) if session else []
    mine = state.accepted_by(me)
    theirs = state.student_accepted if me.role == Role.TUTOR else state.tutor_accepted
    return SessionCard(
        pair_id=match.public_id,
        partner=partner.display_name,
        weekly=weekly,
        lines=_lines(session, me, partner) if session else [],
        changes=changes,
        key=session.key if session else "",
        agreed=state.agreed,
        me_accepted=mine,
        partner_accepted=theirs,
        overlaps=state.overlaps,
        options=[
            Option(o.key, _lines(o, me, partner))
            for o in state.options
            if session is None or o.key != session.key
        ],
        can_change=not match.student.semester.is_closed,
    )


def session_cards(applicant: Applicant) -> list[SessionCard]:
    """A card per confirmed pair (what the private page shows once someone is matched)."""
    return [
        _card(m, applicant)
        for m in active_pairs_of(applicant.id)
        if m.status == MatchStatus.CONFIRMED
    ]


@blueprint.post("/me/<token>/session")
@limiter.limit(_rate_limit)
def choose_session(token: str) -> Response:
    applicant = _load(token)
    form = SessionChoiceForm()
    back = url_for(".me", token=token) + "#session"
    match = next(
        (
            m
            for m in active_pairs_of(applicant.id)
            if m.public_id == form.pair.data and m.status == MatchStatus.CONFIRMED
        ),
        None,
    )
    if not form.validate() or match is None:
        flash(_("Please choose one of the times shown."), "error")
        return redirect(back, code=303)
    try:
        row = choose(applicant, match, form.start.data or "")
        db.session.commit()
    except (DomainError, StaleDataError):
        db.session.rollback()
        flash(_("That time is no longer possible for both of you. Please pick again."), "error")
        return redirect(back, code=303)
    if row.agreed_at is not None:
        flash(_("You have both agreed to this time."), "success")
    else:
        flash(_("Saved. Your partner is asked to accept this time too."), "success")
    return redirect(back, code=303)


@blueprint.get("/me/<token>/calendar.ics")
def calendar_file(token: str) -> Response:
    """The same file ``calendar export`` writes for this person."""
    from matcher.services.sessions.calendars import person_calendar  # needs icalendar

    applicant = _load(token)
    found = person_calendar(applicant)
    if found is None:
        return _private(make_response(_("No weekly session yet."), 404))
    response = _private(make_response(found.content))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="lelp-sessions.ics"'
    return response


@blueprint.app_context_processor
def session_helpers() -> dict[str, object]:
    return {"session_cards": session_cards, "session_form": SessionChoiceForm}
