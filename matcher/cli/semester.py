"""`flask semester …`: create, list and move semesters."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from matcher.cli import iso_date, one_transaction
from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES, SEMESTER_STATUSES
from matcher.extensions import db
from matcher.models import Applicant
from matcher.services.audit import CLI_ACTOR
from matcher.services.privacy.purge import retention_months
from matcher.services.semesters.lifecycle import close_semester, start_next_semester
from matcher.services.semesters.stages import (
    create_semester,
    get_semester,
    list_semesters,
    move_semester,
)

semester_cli = AppGroup("semester", help="Create semesters and move them forward.")
# The dates every new semester is given, by `create` and `start-next` alike.
starts_on = click.option(
    "--start", required=True, callback=iso_date, help="First day (Seoul date), YYYY-MM-DD."
)
ends_on = click.option(
    "--end", required=True, callback=iso_date, help="Last day (Seoul date), YYYY-MM-DD."
)


@semester_cli.command("create")
@click.argument("name")
@starts_on
@ends_on
@click.option(
    "--session-minutes",
    type=click.IntRange(MIN_SESSION_MINUTES, MAX_SESSION_MINUTES),
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
@click.argument("status", type=click.Choice(SEMESTER_STATUSES))
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


@semester_cli.command("close")
@click.argument("name")
def close(name: str) -> None:
    """Close semester NAME: read-only from then on (the roster can still be exported)."""
    with one_transaction():
        semester = close_semester(get_semester(name), actor=CLI_ACTOR)
    click.echo(
        f"Semester {semester.name!r} is closed. Its personal data is kept for "
        f"{retention_months()} months, then `flask purge` removes it."
    )


@semester_cli.command("start-next")
@click.argument("name")
@click.option("--from", "previous", required=True, help="Last semester's name.")
@starts_on
@ends_on
@click.option(
    "--session-minutes",
    type=click.IntRange(MIN_SESSION_MINUTES, MAX_SESSION_MINUTES),
    help="Length of one weekly session (default: the previous semester's).",
)
def start_next(
    name: str, previous: str, start: date, end: date, session_minutes: int | None
) -> None:
    """Start semester NAME from PREVIOUS, carrying over its continuing pairs as pending applicants."""
    with one_transaction():
        result = start_next_semester(
            name,
            get_semester(previous),
            start,
            end,
            actor=CLI_ACTOR,
            session_minutes=session_minutes,
        )
    click.echo(
        f"Created semester {result.semester.name!r}, now taking sign-ups. Carried over from "
        f"{previous!r} as pending: {result.students} students and {result.tutors} tutors "
        f"({result.continuing_pairs} pairs asked to continue together). Approve those who "
        "confirm they are coming back."
    )
