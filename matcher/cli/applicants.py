"""`flask applicants import`: a spreadsheet of sign-ups into a semester, all rows or none."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.applicant_file import (
    ApplicantFile,
    ApplicantFileError,
    FileLimits,
    first_problems,
    ignored_columns_line,
    read_applicant_path,
)
from matcher.applicant_file import write_rejected as write_rejected_rows
from matcher.cli import max_rows_option, one_transaction
from matcher.database import read_first
from matcher.domain import ApplicantStatus
from matcher.extensions import db
from matcher.services.audit import CLI_ACTOR
from matcher.services.errors import DomainError
from matcher.services.files.importing import (
    IMPORT_STATUSES,
    InvalidRows,
    describe,
    import_applicants,
    importer_by_email,
)
from matcher.services.semesters.stages import get_semester

applicants_cli = AppGroup("applicants", help="Bring applicants in from a spreadsheet.")

# Below this many rows an import takes well under a second; a bar would only flicker.
PROGRESS_MIN_ROWS = 1000
FORMATS = {"utf-8": "CSV, UTF-8", "cp949": "CSV, CP949", "xlsx": "Excel workbook"}


def default_rejected_path(file: Path) -> Path:
    """Beside the input: spring.csv (or spring.xlsx) → spring.rejected.csv."""
    return file.with_name(f"{file.stem}.rejected.csv")


@applicants_cli.command("import")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "--by",
    "by_email",
    default=None,
    metavar="EMAIL",
    help="Your coordinator account, to record the import as yours (consent source); "
    "without it the import is recorded as made from the command line.",
)
@click.option(
    "--status",
    # Texts, not members: click matches enum members by their NAME ("APPROVED").
    type=click.Choice([status.value for status in IMPORT_STATUSES]),
    default=ApplicantStatus.APPROVED.value,
    show_default=True,
    help="Status of new applicants (a screened list is approved).",
)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the good rows and write the others, with a reason, to a rejected file.",
)
@click.option(
    "--rejected",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the rows with problems, each with its reasons, here; with --skip-invalid "
    "they are always written [default: FILE's name + .rejected.csv].",
)
@max_rows_option
@click.option(
    "--send-links",
    is_flag=True,
    help="Email each new person their private link (queued in the outbox; `mail send` delivers).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(
    semester_name: str,
    by_email: str | None,
    status: str,
    dry_run: bool,
    skip_invalid: bool,
    rejected: Path | None,
    max_rows: int | None,
    send_links: bool,
    file: Path,
) -> None:
    """Import applicants from FILE (.csv or .xlsx, the applicants contract's columns).

    Every row is checked first; if any is invalid nothing is imported and every problem is
    listed by row and column. An email already in the semester (same role) updates that
    applicant, who keeps their status. The rejected-rows file holds names and emails: delete it
    once the rows are fixed.
    """
    rejected_path = rejected or default_rejected_path(file)
    if skip_invalid or rejected is not None:
        _check_rejected_path(rejected_path, file)
    limits = FileLimits.from_config(current_app.config, max_rows=max_rows)
    read_first()  # parse without SQLite's write lock; import_applicants takes it to write
    try:
        semester = get_semester(semester_name)
        importer = importer_by_email(by_email) if by_email else None
        result = read_applicant_path(file, limits=limits)
    except (DomainError, ApplicantFileError) as error:
        db.session.rollback()
        raise click.ClickException(str(getattr(error, "message", error))) from None
    click.echo(
        f"Read {file.name} ({FORMATS.get(result.encoding, result.encoding)}): "
        f"{len(result.records) + len(result.rejected)} rows."
    )
    _list_errors(result, full_list=(skip_invalid or rejected is not None) and not dry_run)
    if rejected is not None and not skip_invalid and not dry_run and result.rejected:
        try:
            _write_rejected(result, rejected_path)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        click.echo(
            f"Wrote the {len(result.rejected)} rows with problems, with their reasons, "
            f"to {rejected_path}.",
            err=True,
        )
    options = {
        "status": status,
        "imported_by": importer,
        "notice_version": current_app.config["PRIVACY_NOTICE_VERSION"],
        "actor": CLI_ACTOR,
        "skip_invalid": skip_invalid,
        "dry_run": dry_run,
        "send_links": send_links,
    }
    if dry_run:
        try:
            summary = import_applicants(semester, result, **options)
        except DomainError as error:
            raise click.ClickException(_refusal(error, skip_invalid)) from None
        finally:
            db.session.rollback()
    else:
        with one_transaction(), _refusals(skip_invalid), _progress(result) as advance:
            summary = import_applicants(semester, result, progress=advance, **options)
            if summary.rejected:
                _write_rejected(result, rejected_path)
    for line in describe(summary):
        click.echo(line)
    if summary.links_sent or summary.links_unsendable:
        click.echo(
            f"Queued {summary.links_sent} private link email(s)"
            + (
                f"; {summary.links_unsendable} address(es) cannot receive mail"
                if summary.links_unsendable
                else ""
            )
            + "."
        )
    if summary.rejected:
        verb = "Would write" if dry_run else "Wrote"
        click.echo(
            f"{verb} the {summary.rejected} rejected rows, with a reason, to {rejected_path}."
        )
    if dry_run:
        click.echo("Dry run: nothing was written.")


def _check_rejected_path(path: Path, file: Path) -> None:
    if path.resolve() == file.resolve():
        raise click.UsageError("--rejected must not be the input file itself.")
    if not path.parent.is_dir():
        raise click.UsageError(f"The folder {str(path.parent)!r} for rejected rows does not exist.")


def _list_errors(result: ApplicantFile, *, full_list: bool) -> None:
    """The first problems, one line each, then how many more; the rejected file has them all.

    The listing is capped so that a file with thousands of bad rows cannot flood a terminal
    or a log; ``full_list`` says whether the rejected-rows file will hold every one.
    """
    if result.errors and result.unknown_columns:
        click.echo(ignored_columns_line(result.unknown_columns), err=True)
    if result.errors:
        rows = len({error.row for error in result.errors})
        click.echo(f"Problems in {rows:,} row{'s' if rows != 1 else ''}:", err=True)
        lines = first_problems(result.errors)
        for line in lines:
            click.echo(f"  {line}", err=True)
        if len(lines) < len(result.errors) and not full_list:
            click.echo(
                "  Add --rejected FILE (without --dry-run, which writes nothing) to get every row "
                "with problems, with its reasons, in a file.",
                err=True,
            )


def _refusal(error: DomainError, skip_invalid: bool) -> str:
    """The service's message, plus the command-line way round it where there is one."""
    header = any(e.row == 1 for e in getattr(error, "errors", ()))
    if isinstance(error, InvalidRows) and not header and not skip_invalid:
        return (
            f"{error.message} Fix them and import again, or use --skip-invalid to import the "
            "good rows and get the others back in a file with a reason for each."
        )
    return error.message


@contextmanager
def _refusals(skip_invalid: bool) -> Iterator[None]:
    """Inside one_transaction, so the rollback still happens and the hint survives."""
    try:
        yield
    except click.ClickException:
        raise
    except DomainError as error:
        raise click.ClickException(_refusal(error, skip_invalid)) from None


@contextmanager
def _progress(result: ApplicantFile) -> Iterator[Callable[[int], None] | None]:
    """A bar on the terminal (stderr, so the summary stays clean) for long files only."""
    if len(result.records) < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=len(result.records), label="Importing", file=sys.stderr) as bar:
        yield bar.update


def _write_rejected(result: ApplicantFile, path: Path) -> None:
    """Readable by the owner only: the rows hold names and emails."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(descriptor)
        os.chmod(path, 0o600)
        write_rejected_rows(result, path)
    except OSError as error:
        raise DomainError(f"Could not write {path}: {error.strerror}.") from None
