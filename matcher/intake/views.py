"""Public pages: the landing page, the two sign-up forms, and each applicant's private page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from matcher.database import database_answers
from matcher.extensions import db, limiter
from matcher.intake.abuse import fill_token, filled_too_fast, is_bot
from matcher.intake.display import weekly_time
from matcher.intake.forms import (
    ApplicationForm,
    AvailabilityForm,
    StudentForm,
    TutorForm,
    WithdrawForm,
    form_data,
    signup_fields,
)
from matcher.intake.grid import DAY_ROWS, NIGHT_ROWS, night_selected, windows_from_slots
from matcher.intake.preview import preview_data, seoul_preview
from matcher.intake.zones import zone_names
from matcher.models import Applicant, Semester
from matcher.services.applicants.signup import (
    applicant_for_token,
    application_status,
    can_change_availability,
    can_edit_everything,
    can_withdraw,
    change_availability,
    edit_application,
    submit_application,
    unusable_token,
    withdraw_application,
)
from matcher.services.errors import DomainError
from matcher.services.semesters.stages import intake_semester

blueprint = Blueprint("intake", __name__)
FORMS = {"student": StudentForm, "tutor": TutorForm}
# A filled form is a few kilobytes; the app-wide limit is sized for coordinators' file imports.
INTAKE_MAX_BYTES = 256 * 1024


@blueprint.url_value_preprocessor
def limit_request_size(endpoint: str | None, values: dict[str, object] | None) -> None:
    # URL value preprocessors run before every before_request hook, so the cap is in place
    # before CSRF protection reads the body.
    request.max_content_length = INTAKE_MAX_BYTES


def _rate_limit() -> str:
    return current_app.config["INTAKE_RATE_LIMIT"]


@blueprint.app_context_processor
def language_links() -> dict[str, object]:
    def lang_url(code: str) -> str:
        if request.endpoint is None:
            return "?lang=" + code
        return url_for(request.endpoint, **{**(request.view_args or {}), "lang": code})

    def weekly_lines(text: str) -> list[str]:
        return weekly_time(text, str(get_locale()))

    return {"lang_url": lang_url, "weekly_time": weekly_lines, "get_locale": get_locale}


@blueprint.get("/")
def home() -> str:
    return render_template("intake/home.html", semester=intake_semester())


@blueprint.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    """Ok only if the database answers: a load balancer must stop sending people here when it
    does not (503). The error itself is logged, never shown."""
    if not database_answers():
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}, 200


@blueprint.get("/privacy")
def privacy() -> str:
    return render_template("intake/privacy.html")


@blueprint.route("/apply/student", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def apply_student() -> str | Response:
    return _apply("student")


@blueprint.route("/apply/tutor", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def apply_tutor() -> str | Response:
    return _apply("tutor")


def _grid(selected: list[str] | None) -> dict[str, object]:
    return {
        "day_rows": DAY_ROWS,
        "night_rows": NIGHT_ROWS,
        "night_open": night_selected(selected or []),
    }


def _render_form(
    form: ApplicationForm,
    role: str,
    semester: Semester,
    *,
    applicant: Applicant | None = None,
    token: str | None = None,
) -> str:
    return render_template(
        "intake/apply.html",
        form=form,
        role=role,
        semester=semester,
        applicant=applicant,
        token=token,
        zones=zone_names(),
        preview=seoul_preview(
            form.slots.data or [], form.timezone.data, semester, str(get_locale())
        ),
        offsets=preview_data(form.timezone.data, semester),
        **_grid(form.slots.data),
    )


def _apply(role: str) -> str | Response:
    semester = intake_semester()
    if semester is None:
        return render_template("intake/closed.html")
    form = FORMS[role]()
    if not form.is_submitted():
        form.started.data = fill_token()
        form.language.data = str(get_locale())
        form.timezone.data = "Asia/Seoul" if role == "student" else ""
        return _render_form(form, role, semester)
    if is_bot(form.website.data):
        return _thank_you(unusable_token())  # quietly: a bot learns nothing
    if request.form.get("action") == "preview" or not form.validate():
        return _render_form(form, role, semester)
    if filled_too_fast(form.started.data):
        form.started.data = fill_token()
        form.form_errors.append(_("Please check your answers, then press Send again."))
        return _render_form(form, role, semester)
    try:
        token = submit_application(
            semester,
            signup_fields(form, role),
            notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _attach(form, error)
        return _render_form(form, role, semester)
    except IntegrityError:  # the same email sent twice at once: the database kept the first
        db.session.rollback()
        token = unusable_token()  # answered like any email that already applied
    return _thank_you(token)


def private_link(token: str) -> str:
    """The applicant's link, on the configured public address (BASE_URL), never on whatever
    Host header the request came with: a forged Host would otherwise hand the applicant a
    link to someone else's server, with their token in it."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(".me", token=token)


def _thank_you(token: str) -> Response:
    """Shown once, in the answer to the post itself: the token never travels in a cookie."""
    return _private(render_template("intake/done.html", link=private_link(token)))


def _duplicate_message() -> str:
    return _(
        "This email was already used to apply this semester. "
        "Please use the private link you got after applying to see or change it."
    )


def _attach(form: ApplicationForm | AvailabilityForm, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _private(response: str | Response) -> Response:
    """Pages that carry the private link: never cached, never sent on as a referrer."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.get("/apply/zone-offsets")
def zone_offsets() -> tuple[dict[str, object], int]:
    semester = intake_semester()
    if semester is None:
        return {"zone": None, "periods": []}, 404
    return preview_data(request.args.get("tz"), semester), 200


def _load(token: str) -> Applicant:
    applicant = applicant_for_token(token)
    if applicant is None:
        abort(404)
    g.applicant_language = applicant.language
    refresh()
    return applicant


@blueprint.get("/me/<token>")
def me(token: str) -> Response:
    applicant = _load(token)
    return _private(
        render_template(
            "intake/me.html",
            applicant=applicant,
            token=token,
            status=application_status(applicant),
            can_edit=can_edit_everything(applicant),
            can_change_times=can_change_availability(applicant),
            can_withdraw=can_withdraw(applicant),
            withdraw_form=WithdrawForm(),
        )
    )


@blueprint.route("/me/<token>/edit", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def edit(token: str) -> Response:
    applicant = _load(token)
    if can_edit_everything(applicant):
        return _private(_edit_everything(applicant, token))
    if can_change_availability(applicant):
        return _private(_edit_times(applicant, token))
    flash(_("This application can no longer be changed."), "info")
    return redirect(url_for(".me", token=token), code=303)


def _edit_everything(applicant: Applicant, token: str) -> str | Response:
    form_class = FORMS[applicant.role]
    form = form_class() if request.method == "POST" else form_class(data=form_data(applicant))
    # Consent was given once, with the application; the bot checks guard only new sign-ups.
    del form.consent, form.website, form.started
    if request.method == "GET" or request.form.get("action") == "preview" or not form.validate():
        return _render_form(
            form, applicant.role, applicant.semester, applicant=applicant, token=token
        )
    try:
        ended = edit_application(applicant, signup_fields(form, applicant.role))
        db.session.commit()
    except (DomainError, IntegrityError, StaleDataError) as error:
        db.session.rollback()
        if isinstance(error, DomainError):
            _attach(form, error)
        elif isinstance(error, IntegrityError):
            form.email.errors = [*form.email.errors, _duplicate_message()]
        else:
            form.form_errors.append(_("Something changed meanwhile. Please try again."))
        return _render_form(
            form, applicant.role, applicant.semester, applicant=applicant, token=token
        )
    flash(_("Your changes are saved."), "success")
    if ended:
        flash(_("Your pair has ended. A coordinator will look for a new partner."), "info")
    return redirect(url_for(".me", token=token), code=303)


def _edit_times(applicant: Applicant, token: str) -> str | Response:
    form = (
        AvailabilityForm()
        if request.method == "POST"
        else AvailabilityForm(data={"slots": form_data(applicant)["slots"]})
    )
    if request.method == "POST" and form.validate():
        try:
            ended = change_availability(applicant, windows_from_slots(form.slots.data or []))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _attach(form, error)
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(_("Something changed meanwhile. Please try again."))
        else:
            flash(_("Your new times are saved."), "success")
            if ended:
                flash(_("Your pair has ended. A coordinator will look for a new partner."), "info")
            return redirect(url_for(".me", token=token), code=303)
    return render_template(
        "intake/times.html", form=form, applicant=applicant, token=token, **_grid(form.slots.data)
    )


@blueprint.post("/me/<token>/withdraw")
@limiter.limit(_rate_limit)
def withdraw(token: str) -> Response:
    applicant = _load(token)
    form = WithdrawForm()
    if not form.validate():
        flash(_("Please tick the box to confirm."), "error")
        return redirect(url_for(".me", token=token) + "#withdraw", code=303)
    try:
        withdraw_application(applicant)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Something changed meanwhile. Please try again."), "error")
        return redirect(url_for(".me", token=token), code=303)
    except DomainError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for(".me", token=token), code=303)
    flash(_("You have withdrawn. Thank you for letting us know."), "success")
    return redirect(url_for(".me", token=token), code=303)
