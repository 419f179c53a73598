"""`flask roster export`: the semester-end roster as CSV or XLSX, with a traceable export id."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask.cli import AppGroup

from matcher.cli import one_transaction
from matcher.services.audit import CLI_ACTOR
from matcher.services.errors import DomainError
from matcher.services.files.roster import export_roster
from matcher.services.semesters.stages import get_semester

roster_cli = AppGroup("roster", help="Export a semester's roster.")


def _private_temp_beside(path: Path) -> Path:
    """A new file only the owner can read, in the target's folder so the final rename is atomic."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    return temp


@roster_cli.command("export")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    help="File format; by default taken from the output file's extension.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the roster (it holds names: keep it safe).",
)
@click.option(
    "--include-contacts", is_flag=True, help="Add student and tutor emails (needs --reason)."
)
@click.option("--reason", help="Why the contact details are needed; kept in the audit log.")
def export_command(
    semester_name: str, fmt: str | None, output: Path, include_contacts: bool, reason: str | None
) -> None:
    """Write the roster of a semester to FILE and print its export id."""
    if fmt is None:
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise click.UsageError(
                "Say --format csv or --format xlsx (or name the file .csv/.xlsx)."
            )
    if include_contacts and not (reason or "").strip():
        raise click.UsageError(
            "--include-contacts needs --reason TEXT: why the emails leave the service "
            "(it is kept in the audit log with the export id)."
        )
    if not output.parent.is_dir():
        raise click.UsageError(f"The folder {str(output.parent)!r} does not exist.")
    temp = _private_temp_beside(output)
    try:
        with one_transaction():
            export = export_roster(
                get_semester(semester_name),
                fmt,
                include_contacts=include_contacts,
                reason=reason,
                actor=CLI_ACTOR,
            )
            try:
                temp.write_bytes(export.content)
            except OSError as error:
                raise DomainError(f"Could not write {output}: {error.strerror}.") from None
        os.replace(temp, output)
    finally:
        temp.unlink(missing_ok=True)
    counts = ", ".join(f"{section} {n}" for section, n in export.counts.items())
    contacts = "with contact details" if include_contacts else "without contact details"
    click.echo(f"Export id: {export.export_id}")
    click.echo(f"Wrote {export.line_count} lines ({counts}) to {output}, {contacts}.")
