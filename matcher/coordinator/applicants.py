"""Applicant review pages: the searchable table, the detail page and every review action."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from matcher.coordinator.changes import commit_or_flash
from matcher.coordinator.forms import ApplicantEditForm, ConfirmForm
from matcher.domain import GOALS, LEVELS, ApplicantStatus
from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.matching.periods import format_periods, windows_by_period
from matcher.models import Applicant, Match, Semester
from matcher.security.redirects import safe_next
from matcher.services.applicants.links import revoke_all_links
from matcher.services.applicants.listing import (
    FEW_OPTIONS,
    SORTS,
    ApplicantQuery,
    search_applicants,
    semester_timezones,
)
from matcher.services.applicants.rereview import changed_since_approval, mark_change_reviewed
from matcher.services.applicants.review import (
    ApplicantEdit,
    acknowledge_flag,
    applicant_flags,
    bulk_approve,
    edit_applicant,
    erase_applicant,
    get_applicant,
    new_private_link,
    set_status,
)
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.pairs.matching import feasible_partner_counts
from matcher.services.pairs.records import active_pairs_of

blueprint = Blueprint("applicants", __name__)

STATUS_WORDS: dict[str, str] = {
    ApplicantStatus.APPROVED: "Approved",
    ApplicantStatus.WAITLISTED: "Waitlisted",
    ApplicantStatus.WITHDRAWN: "Withdrawn",
}


def _actor() -> str:
    return user_actor(current_user.id)


def _query() -> ApplicantQuery:
    args = request.args
    page = args.get("page", "1")
    return ApplicantQuery(
        text=args.get("q", "")[:100],
        role=args.get("role", "") if args.get("role") in ("student", "tutor") else "",
        status=args.get("status", "") if args.get("status") in tuple(ApplicantStatus) else "",
        goal=args.get("goal", "") if args.get("goal") in GOALS else "",
        level=args.get("level", "") if args.get("level") in LEVELS else "",
        timezone=args.get("timezone", "")[:64],
        options=args.get("options", "") if args.get("options") in ("few", "none") else "",
        sort=args.get("sort", "") if args.get("sort") in SORTS else "",
        page=int(page) if page.isdecimal() and len(page) < 7 else 1,
    )


@blueprint.get("/semesters/<int:semester_id>/applicants")
def index(semester_id: int) -> str:
    semester = db.get_or_404(Semester, semester_id)
    query = _query()
    feasible = feasible_partner_counts(semester)
    page = search_applicants(semester, query, feasible)
    return render_template(
        "coordinator/applicants.html",
        semester=semester,
        query=query,
        page=page,
        feasible=feasible,
        few=FEW_OPTIONS,
        goals=GOALS,
        levels=LEVELS,
        timezones=semester_timezones(semester),
        flags=applicant_flags(semester),
        changed=changed_since_approval(semester),
        action=ConfirmForm(),
    )


@blueprint.post("/semesters/<int:semester_id>/applicants/approve")
def approve_selected(semester_id: int) -> Response:
    semester = db.get_or_404(Semester, semester_id)

    def change() -> str:
        count = bulk_approve(semester, request.form.getlist("selected"), actor=_actor())
        return f"Approved {count} applicant(s)."

    commit_or_flash(change)
    return redirect(safe_next(request.form.get("back"), url_for(".index", semester_id=semester.id)))


@blueprint.post("/semesters/<int:semester_id>/flags/<pair_id>/seen")
def flag_seen(semester_id: int, pair_id: str) -> Response:
    db.get_or_404(Semester, semester_id)
    acknowledge_flag(pair_id, actor=_actor())
    db.session.commit()
    return redirect(request.referrer or url_for(".index", semester_id=semester_id))


def _seoul_text(applicant: Applicant) -> str:
    semester = applicant.semester
    periods = windows_by_period(
        parse_windows(applicant.availability),
        applicant.timezone,
        semester.starts_on,
        semester.ends_on,
    )
    return format_periods(periods)


def _pairs_of(applicant: Applicant) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match)
            .where(or_(Match.student_id == applicant.id, Match.tutor_id == applicant.id))
            .order_by(Match.id.desc())
        )
    )


@blueprint.get("/applicants/<public_id>")
def detail(public_id: str) -> str:
    applicant = get_applicant(public_id)
    erased = applicant.is_erased
    return render_template(
        "coordinator/applicant.html",
        semester=applicant.semester,
        applicant=applicant,
        erased=erased,
        seoul=None if erased else _seoul_text(applicant),
        pairs=_pairs_of(applicant),
        has_active_pairs=bool(active_pairs_of(applicant.id)),
        pair_ending=PAIR_ENDING_STATUSES,
        action=ConfirmForm(),
        statuses=STATUS_WORDS,
        changed=changed_since_approval(applicant.semester).get(applicant.public_id),
    )


@blueprint.post("/applicants/<public_id>/reviewed")
def change_reviewed(public_id: str) -> Response:
    """The coordinator looked at what an approved applicant changed and keeps the approval."""
    applicant = get_applicant(public_id)
    mark_change_reviewed(applicant, actor=_actor())
    db.session.commit()
    flash(f"{applicant.public_id}: changes marked as reviewed; the approval stands.", "info")
    return redirect(url_for(".detail", public_id=applicant.public_id))


# Status changes that end the person's active pairs: the page asks for a tick first.
PAIR_ENDING_STATUSES: dict[str, str] = {
    ApplicantStatus.WAITLISTED: "waitlist",
    ApplicantStatus.WITHDRAWN: "withdraw",
}


@blueprint.post("/applicants/<public_id>/status")
def change_status(public_id: str) -> Response:
    applicant = get_applicant(public_id)
    status = request.form.get("status", "")
    pairs = active_pairs_of(applicant.id) if status in PAIR_ENDING_STATUSES else []
    if pairs and request.form.get("end_pairs") != "yes":
        ids = ", ".join(m.public_id for m in pairs)
        flash(
            f"Nothing changed: {applicant.public_id} is in pair {ids}. To "
            f"{PAIR_ENDING_STATUSES[status]} them, tick “end their pairs” by the button.",
            "error",
        )
        return redirect(url_for(".detail", public_id=applicant.public_id))

    def change() -> str:
        ended = set_status(applicant, status, actor=_actor())
        note = f" {ended} pair(s) ended; their partners are free again." if ended else ""
        return f"{applicant.public_id} is now {applicant.status}.{note}"

    commit_or_flash(change)
    return redirect(url_for(".detail", public_id=applicant.public_id))


@blueprint.route("/applicants/<public_id>/edit", methods=["GET", "POST"])
def edit(public_id: str) -> str | Response:
    applicant = get_applicant(public_id)
    form = ApplicantEditForm(obj=None if request.method == "POST" else applicant)
    if request.method == "GET":
        form.goals.data = applicant.goal_list
        form.levels.data = applicant.level_list
    if form.validate_on_submit():
        change = ApplicantEdit(
            display_name=form.display_name.data or "",
            timezone=(form.timezone.data or "").strip(),
            availability=form.availability.data or "",
            goals=tuple(form.goals.data or ()),
            levels=tuple(form.levels.data or ()),
            gender=form.gender.data,
            gender_preference=form.gender_preference.data,
            korean=form.korean.data,
            in_person=form.in_person.data,
            capacity=form.capacity.data or 1,
            note=form.note.data,
        )
        try:
            ended = edit_applicant(applicant, change, actor=_actor())
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "display_name").errors.append(error.message)
        else:
            db.session.commit()
            note = f" {ended} pair(s) ended because the times changed." if ended else ""
            flash(f"Saved.{note}", "info")
            return redirect(url_for(".detail", public_id=applicant.public_id))
    return render_template(
        "coordinator/applicant_edit.html",
        semester=applicant.semester,
        applicant=applicant,
        form=form,
    )


@blueprint.post("/applicants/<public_id>/link")
def new_link(public_id: str) -> str | Response:
    applicant = get_applicant(public_id)
    try:
        new_private_link(applicant, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".detail", public_id=applicant.public_id))
    db.session.commit()
    flash(
        "A new private link was emailed to the applicant (see the outbox); "
        "every earlier link has stopped working.",
        "info",
    )
    return redirect(url_for(".detail", public_id=applicant.public_id))


@blueprint.post("/applicants/<public_id>/revoke-links")
def revoke_links(public_id: str) -> Response:
    applicant = get_applicant(public_id)
    removed = revoke_all_links(applicant, actor=_actor())
    db.session.commit()
    flash(f"{removed} private link(s) revoked; {applicant.public_id} has no working link.", "info")
    return redirect(url_for(".detail", public_id=applicant.public_id))


@blueprint.route("/applicants/<public_id>/erase", methods=["GET", "POST"])
def erase(public_id: str) -> str | Response:
    applicant = get_applicant(public_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit() or request.form.get("confirm") != applicant.public_id:
            flash("Type the applicant's id exactly to confirm the erasure.", "error")
        else:
            ended = erase_applicant(applicant, actor=_actor())
            db.session.commit()
            flash(f"{applicant.public_id} was erased; {ended} pair(s) ended.", "info")
            return redirect(url_for(".detail", public_id=applicant.public_id))
    return render_template(
        "coordinator/applicant_erase.html",
        semester=applicant.semester,
        applicant=applicant,
        form=form,
    )
