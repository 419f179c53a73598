"""`flask calendar export`: one iCalendar file per person in a confirmed pair (outputs.md)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup

from matcher.cli import one_transaction
from matcher.services.audit import CLI_ACTOR, record_event
from matcher.services.errors import DomainError
from matcher.services.semesters.stages import get_semester

calendar_cli = AppGroup("calendar", help="Calendar files of the pairs' weekly sessions.")


def _write_private(path: Path, content: bytes) -> None:
    """Owner-only file (it names people), replaced atomically."""
    temp = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.replace(temp, path)


@calendar_cli.command("export")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (created if missing): <public id>.ics per person.",
)
def export_command(semester_name: str, output: Path) -> None:
    """Write DIR/<public id>.ics for every person in a confirmed (or ended) pair."""
    # Imported here so that the app starts even where the icalendar package is not installed
    # yet (a checkout whose virtualenv predates it); only this command needs it.
    from matcher.services.sessions.calendars import semester_calendars

    with one_transaction():
        semester = get_semester(semester_name)
        files = semester_calendars(semester)
        try:
            output.mkdir(parents=True, exist_ok=True)
            for f in files:
                _write_private(output / f"{f.public_id}.ics", f.content)
        except OSError as error:
            raise DomainError(f"Could not write to {output}: {error.strerror}.") from None
        record_event(
            "calendar.export",
            actor=CLI_ACTOR,
            target=f"semester:{semester.id}",
            detail={"files": len(files), "events": sum(f.pairs for f in files)},
        )
    click.echo(f"Wrote {len(files)} calendar file(s) to {output}.")
