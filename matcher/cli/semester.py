"""`flask semester …`: create, list and move semesters."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from matcher.cli import iso_date, one_transaction
from matcher.extensions import db
from matcher.models import Applicant, SemesterStatus
from matcher.services.audit import CLI_ACTOR
from matcher.services.semesters import create_semester, get_semester, list_semesters, move_semester

semester_cli = AppGroup("semester", help="Create semesters and move them forward.")


@semester_cli.command("create")
@click.argument("name")
@click.option(
    "--start", required=True, callback=iso_date, help="First day (Seoul date), YYYY-MM-DD."
)
@click.option("--end", required=True, callback=iso_date, help="Last day (Seoul date), YYYY-MM-DD.")
@click.option(
    "--session-minutes",
    type=click.IntRange(15, 240),
    default=60,
    show_default=True,
    help="Length of one weekly session.",
)
def create(name: str, start: date, end: date, session_minutes: int) -> None:
    """Create semester NAME; it opens for sign-ups (intake)."""
    with one_transaction():
        semester = create_semester(name, start, end, session_minutes, actor=CLI_ACTOR)
    click.echo(
        f"Created semester {semester.name!r} ({semester.starts_on} to {semester.ends_on}, "
        f"{semester.session_minutes}-minute sessions), now taking sign-ups."
    )


@semester_cli.command("status")
@click.argument("name")
@click.argument("status", type=click.Choice([s.value for s in SemesterStatus]))
def status(name: str, status: str) -> None:
    """Move semester NAME forward to STATUS (intake → matching → active → closed)."""
    with one_transaction():
        semester = move_semester(get_semester(name), status, actor=CLI_ACTOR)
    click.echo(f"Semester {semester.name!r} is now {semester.status}.")


@semester_cli.command("list")
def list_command() -> None:
    """List semesters with their dates, status and applicant counts."""
    semesters = list_semesters()
    if not semesters:
        click.echo(
            "No semesters yet. Create one with: flask --app matcher semester create NAME --start … --end …"
        )
        return
    counts = dict(
        db.session.execute(
            select(Applicant.semester_id, func.count()).group_by(Applicant.semester_id)
        ).all()
    )
    click.echo(f"{'name':<24} {'start':<10}  {'end':<10}  {'status':<8}  applicants")
    for semester in semesters:
        click.echo(
            f"{semester.name:<24} {semester.starts_on}  {semester.ends_on}  "
            f"{semester.status:<8}  {counts.get(semester.id, 0)}"
        )
