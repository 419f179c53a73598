"""`flask purge`: remove the personal data of closed semesters for good, keeping anonymous counts."""

from __future__ import annotations

import click
from flask import current_app

from matcher.cli import one_transaction
from matcher.extensions import db
from matcher.models import Semester
from matcher.services.audit import CLI_ACTOR
from matcher.services.errors import DomainError
from matcher.services.files.staging import STAGED_SECONDS, sweep_staged
from matcher.services.privacy.purge import (
    anonymous_counts,
    check_purgeable,
    purge_semester,
    retention_ends,
    semesters_past_retention,
    wipe_freed_space,
)
from matcher.services.semesters.stages import get_semester


def _describe(semester: Semester, counts: dict) -> str:
    students = sum(counts["students"].values())
    tutors = sum(counts["tutors"].values())
    pairs = sum(counts["pairs"].values())
    closed = f"{semester.closed_at:%Y-%m-%d}" if semester.closed_at else "?"
    return (
        f"{semester.name!r} (closed {closed}): {students} students, {tutors} tutors, "
        f"{pairs} pairs, {counts['exclusions']} exclusions, {counts['match_runs']} matching runs"
    )


def _chosen(name: str | None, older_than: int | None) -> list[Semester]:
    if name is not None:
        semester = get_semester(name)
        check_purgeable(semester)
        return [semester]
    return semesters_past_retention(months=older_than)


def _sweep_uploads(dry_run: bool) -> None:
    """Uploads previewed on the dashboard but never confirmed hold names and emails; purge,
    which can run from cron, deletes those past the hour even when nobody opens the dashboard."""
    expired = sweep_staged(current_app.instance_path, dry_run=dry_run)
    if expired:
        verb = "Would delete" if dry_run else "Deleted"
        click.echo(
            f"{verb} {expired} uploaded file{'s' if expired != 1 else ''} previewed but not "
            f"imported within {STAGED_SECONDS // 60} minutes."
        )


@click.command("purge")
@click.option("--semester", "name", help="Purge this closed semester.")
@click.option(
    "--older-than",
    type=click.IntRange(min=0),
    metavar="MONTHS",
    help="Purge every closed semester closed at least MONTHS months ago.",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--uploads-only",
    is_flag=True,
    help="Only delete dashboard uploads left unconfirmed for over an hour (for cron).",
)
def purge_command(
    name: str | None, older_than: int | None, dry_run: bool, yes: bool, uploads_only: bool
) -> None:
    """Remove names, emails, notes and availability of closed semesters; keep anonymous counts.

    This cannot be undone. Export the roster first if the program needs one. Every run also
    deletes dashboard uploads previewed but not imported within the hour.
    """
    if uploads_only:
        if name is not None or older_than is not None:
            raise click.UsageError("--uploads-only purges no semester; leave out --semester.")
        _sweep_uploads(dry_run)
        return
    if (name is None) == (older_than is None):
        raise click.UsageError("Say which semesters: --semester NAME or --older-than MONTHS.")
    _sweep_uploads(dry_run)
    try:
        semesters = _chosen(name, older_than)
        plans = [(s, anonymous_counts(s)) for s in semesters]
    except DomainError as error:
        raise click.ClickException(error.message) from None
    finally:
        db.session.rollback()
    if not plans:
        click.echo(
            f"No closed semester was closed {older_than} or more months ago; nothing to purge."
        )
        return
    verb = "Would remove" if dry_run else "Removing"
    for semester, counts in plans:
        due = retention_ends(semester)
        note = f" (retention ended {due:%Y-%m-%d})" if due else ""
        click.echo(f"{verb} the personal data of {_describe(semester, counts)}{note}.")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    if not yes:
        click.confirm("This cannot be undone. Purge now?", abort=True)
    with one_transaction():
        for semester, _ in plans:
            purge_semester(semester, actor=CLI_ACTOR)
    wiped = wipe_freed_space(db.engine)
    click.echo(f"Purged {len(plans)} semester(s); anonymous counts are kept.")
    if not wiped:
        click.echo(
            "Warning: another connection kept the write-ahead log from being emptied, so the "
            "deleted rows may still be readable in the -wal file. With the service stopped, run: "
            "sqlite3 DATABASE 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;'",
            err=True,
        )
