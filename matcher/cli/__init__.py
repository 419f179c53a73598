"""Command-line entry points; each command calls the same services as the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click
from flask import Flask

from matcher.extensions import db
from matcher.services.errors import DomainError


@contextmanager
def one_transaction() -> Iterator[None]:
    """Commit once if the block succeeds; on a domain error roll back and exit non-zero with its message."""
    try:
        yield
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    except BaseException:
        db.session.rollback()
        raise


def register_commands(app: Flask) -> None:
    from matcher.cli.applicants import applicants_cli
    from matcher.cli.backup import backup_command
    from matcher.cli.calendar import calendar_cli
    from matcher.cli.data_key import data_key_cli
    from matcher.cli.demo import demo_command
    from matcher.cli.mail import mail_cli
    from matcher.cli.match import match_cli
    from matcher.cli.proposals import propose  # noqa: F401  (adds `match propose`)
    from matcher.cli.purge import purge_command
    from matcher.cli.roster import roster_cli
    from matcher.cli.semester import semester_cli
    from matcher.cli.users import users_cli

    for command in (
        semester_cli,
        users_cli,
        demo_command,
        match_cli,
        roster_cli,
        purge_command,
        applicants_cli,
        backup_command,
        data_key_cli,
        calendar_cli,
        mail_cli,
    ):
        app.cli.add_command(command)


# The applicants file's row cap, for every command that reads one (import, match preview).
max_rows_option = click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse a file with more applicant rows than this [default: IMPORT_MAX_ROWS, 20,000].",
)


def iso_date(_ctx: Any, _param: click.Parameter, value: str | None) -> date | None:
    """Click callback: YYYY-MM-DD or a clear message naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD.") from None
