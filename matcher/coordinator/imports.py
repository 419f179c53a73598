"""The dashboard's upload page: check a spreadsheet of sign-ups, preview, then import it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms 3.2 lacks it

from matcher.applicant_file import (
    ApplicantFile,
    ApplicantFileError,
    FileLimits,
    first_problems,
    ignored_columns_line,
    read_applicant_file,
)
from matcher.applicant_file.messages import SHOWN_PROBLEMS
from matcher.coordinator.views import blueprint
from matcher.database import reads_first
from matcher.domain import MAX_NAME, ApplicantStatus
from matcher.extensions import db
from matcher.models import Semester
from matcher.security.errors import too_large
from matcher.services.audit import user_actor
from matcher.services.errors import DomainError
from matcher.services.files.importing import (
    ImportSummary,
    InvalidRows,
    describe,
    import_applicants,
)
from matcher.services.files.staging import discard_staged, stage, sweep_staged, take_staged

SESSION_KEY = "staged_import"
# A page listing more rows than this helps nobody (and a refusal stays under 64 kB); the
# count says the rest, and the rows stop earlier once SHOWN_PROBLEMS problems are listed.
SHOWN_ROWS = 20
# A rejected row's email is shown this far: enough to recognise it, short enough for the cap.
SHOWN_EMAIL = 100


class UploadForm(FlaskForm):
    file = FileField(
        "Spreadsheet (.csv or .xlsx)",
        validators=[
            FileRequired("Choose a .csv or .xlsx file."),
            FileAllowed(["csv", "xlsx"], "Only .csv and .xlsx files can be imported."),
        ],
    )
    status = RadioField(
        "New applicants are",
        choices=[
            SelectChoice(ApplicantStatus.APPROVED, "approved (a list you have already screened)"),
            SelectChoice(ApplicantStatus.PENDING, "pending (you will review them here)"),
        ],
        default=ApplicantStatus.APPROVED,
    )
    skip_invalid = BooleanField("Import the good rows even if some rows have problems")


class ConfirmImportForm(FlaskForm):
    token = HiddenField()


@dataclass(frozen=True)
class ShownRow:
    """A rejected row as the page shows it: where it is, who it is, and what is wrong."""

    row: int
    name: str
    email: str
    problems: tuple[str, ...]


def _shown_rows(result: ApplicantFile) -> list[ShownRow]:
    """The first rejected rows, until :data:`SHOWN_ROWS` rows or SHOWN_PROBLEMS problems."""
    columns = [cell.strip().lower() for cell in result.header]

    def cell(cells: tuple[str, ...], name: str) -> str:
        index = columns.index(name) if name in columns else len(cells)
        return cells[index] if index < len(cells) else ""

    shown: list[ShownRow] = []
    problems = 0
    for raw in result.rejected[:SHOWN_ROWS]:
        errors = result.errors_for(raw.row)
        if shown and problems + len(errors) > SHOWN_PROBLEMS:
            break
        problems += len(errors)
        shown.append(
            ShownRow(
                raw.row,
                cell(raw.cells, "display_name")[:MAX_NAME],
                cell(raw.cells, "email")[:SHOWN_EMAIL],
                tuple(f"{e.column}: {e.message}" if e.column else e.message for e in errors),
            )
        )
    return shown


def _page(semester: Semester, status_code: int = 200, **context: object) -> tuple[str, int]:
    # formdata=None: never read the request body here (it may be the one refused as too large).
    context.setdefault("form", UploadForm(formdata=None))
    html = render_template(
        "coordinator/import.html",
        semester=semester,
        limit_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
        **context,
    )
    return html, status_code


def _limits() -> FileLimits:
    return FileLimits.from_config(current_app.config)


def _instance() -> str:
    return current_app.instance_path


def _parse(data: bytes, filename: str) -> ApplicantFile:
    """Read the file with no transaction open: parsing is the slow part, and on SQLite the
    transaction the sign-in check began may hold the write lock every other request waits for."""
    db.session.rollback()
    return read_applicant_file(data, filename, limits=_limits())


def _read(semester: Semester, form: UploadForm) -> tuple[str, int]:
    upload = form.file.data
    data = upload.read()
    filename = upload.filename or ""
    try:
        result = _parse(data, filename)
    except ApplicantFileError as error:
        return _page(semester, 400, form=form, file_error=str(error))
    status, skip_invalid = form.status.data, bool(form.skip_invalid.data)
    try:
        summary = _import(semester, result, status, skip_invalid, dry_run=True)
    except InvalidRows as invalid:
        return _page(
            semester,
            422,
            form=form,
            result=result,
            refusal=invalid.message,
            ignored_columns=(
                ignored_columns_line(result.unknown_columns) if result.unknown_columns else ""
            ),
            rows=_shown_rows(result),
            header_errors=_header_errors(invalid),
        )
    except DomainError as error:
        return _page(semester, 422, form=form, file_error=error.message)
    finally:
        db.session.rollback()
    # One preview at a time per coordinator: an earlier, unconfirmed upload goes now.
    discard_staged(_instance(), (session.pop(SESSION_KEY, None) or {}).get("token", ""))
    token = stage(_instance(), data)
    session[SESSION_KEY] = {
        "token": token,
        "semester_id": semester.id,
        # Only the type: the file's own name stays out of the (signed, not encrypted) cookie.
        "filename": "upload.xlsx" if filename.lower().endswith(".xlsx") else "upload.csv",
        "status": status,
        "skip_invalid": skip_invalid,
    }
    return _page(
        semester,
        form=form,
        result=result,
        summary=summary,
        lines=describe(summary),
        rows=_shown_rows(result),
        confirm=ConfirmImportForm(token=token),
        filename=filename,
    )


def _header_errors(invalid: InvalidRows) -> list[str]:
    return first_problems([error for error in invalid.errors if error.row == 1])


def _import(
    semester: Semester, result: ApplicantFile, status: str, skip_invalid: bool, *, dry_run: bool
) -> ImportSummary:
    return import_applicants(
        semester,
        result,
        status=status,
        imported_by=current_user._get_current_object(),
        notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        actor=user_actor(current_user.id),
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )


@blueprint.route("/semesters/<int:semester_id>/import", methods=["GET", "POST"])
@reads_first  # a preview only reads: the upload is parsed without the write lock
def import_applicants_page(semester_id: int) -> tuple[str, int]:
    """Upload → preview (a dry run, errors next to their rows) → confirm."""
    semester = db.get_or_404(Semester, semester_id)
    sweep_staged(_instance())
    form = UploadForm()
    if request.method == "POST" and form.validate_on_submit():
        return _read(semester, form)
    return _page(semester, 400 if form.errors else 200, form=form)


@blueprint.post("/semesters/<int:semester_id>/import/confirm")
@reads_first  # parsed again without the write lock; import_applicants then takes it
def confirm_import(semester_id: int) -> tuple[str, int]:
    """Import the previewed upload, checked again: the semester may have changed meanwhile."""
    semester = db.get_or_404(Semester, semester_id)
    confirm = ConfirmImportForm()
    staged = session.pop(SESSION_KEY, None) or {}
    token = confirm.token.data or ""
    if (
        not confirm.validate_on_submit()
        or staged.get("token") != token
        or staged.get("semester_id") != semester.id
    ):
        # The session's upload can no longer be confirmed, so it is not kept either.
        discard_staged(_instance(), staged.get("token", ""))
        return _page(semester, 409, file_error=_EXPIRED)
    data = take_staged(_instance(), token)
    if data is None:
        return _page(semester, 409, file_error=_EXPIRED)
    try:
        result = _parse(data, staged["filename"])
        summary = _import(semester, result, staged["status"], staged["skip_invalid"], dry_run=False)
    except (ApplicantFileError, DomainError) as error:
        db.session.rollback()
        return _page(semester, 422, file_error=str(getattr(error, "message", error)))
    db.session.commit()
    return _page(
        semester,
        result=result,
        summary=summary,
        lines=describe(summary),
        rows=_shown_rows(result),
        done=True,
    )


@blueprint.post("/semesters/<int:semester_id>/import/cancel")
def cancel_import(semester_id: int) -> tuple[str, int]:
    semester = db.get_or_404(Semester, semester_id)
    confirm = ConfirmImportForm()
    staged = session.pop(SESSION_KEY, None) or {}
    if confirm.validate_on_submit():
        # Whatever the form says, the session's upload can no longer be confirmed: it goes.
        discard_staged(_instance(), staged.get("token", ""))
    return _page(semester, cancelled=True)


_EXPIRED = "This upload was already imported, cancelled or has expired. Upload the file again."


@blueprint.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> tuple[str, int] | Response:
    """A file far over the limit is refused by the server before any view runs; say so plainly."""
    semester_id = (request.view_args or {}).get("semester_id")
    if request.endpoint == "coordinator.import_applicants_page" and semester_id is not None:
        semester = db.get_or_404(Semester, semester_id)
        limit = current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024)
        return _page(
            semester,
            413,
            file_error=f"The file is larger than {limit} MB. Split it into smaller files.",
        )
    return too_large(error)
