"""`flask mail …`: deliver the outbox once (`send`) or keep delivering it (`worker`)."""

from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.cli import one_transaction
from matcher.cli.match import match_cli
from matcher.mail.compose import AddressError
from matcher.mail.settings import MailSettingsError
from matcher.models.base import utcnow
from matcher.services.audit import CLI_ACTOR
from matcher.services.mail.delivery import PassReport, deliver_pass, next_due
from matcher.services.mail.introductions import introduce
from matcher.services.mail.outbox import mail_settings, sender
from matcher.services.semesters.stages import get_semester

mail_cli = AppGroup("mail", help="Deliver the emails waiting in the outbox.")


def _check_settings() -> str:
    """The destination, described; a bad MATCHER_MAIL_URL or _FROM is one line, not a traceback."""
    try:
        settings = mail_settings()
        sender()
    except (MailSettingsError, AddressError) as error:
        raise click.ClickException(str(error)) from None
    return settings.describe()


def _summary(report: PassReport) -> str:
    return (
        f"sent {report.sent}, waiting to retry {report.retrying}, failed for good {report.failed}"
    )


def _echo_reasons(report: PassReport) -> None:
    for reason, count in sorted(report.reasons.items()):
        click.echo(f"{count} not delivered: {reason}", err=True)


@mail_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Try at most this many messages.")
def send_command(limit: int | None) -> None:
    """Try every waiting message once (also those waiting out a backoff), then report.

    Exits 0 only if every message tried was delivered.
    """
    destination = _check_settings()
    report = deliver_pass(limit=limit)
    _echo_reasons(report)
    click.echo(f"{_summary(report)} ({destination})")
    if report.undelivered:
        raise SystemExit(1)


@mail_cli.command("worker")
@click.option(
    "--idle-seconds",
    type=click.FloatRange(min=0.1),
    help="Longest sleep when nothing is due (default MATCHER_MAIL_WORKER_IDLE_SECONDS).",
)
def worker_command(idle_seconds: float | None) -> None:
    """Deliver messages as they become due, until stopped (SIGTERM or Ctrl-C).

    A stop lets the message being sent finish and be recorded first.
    """
    destination = _check_settings()
    idle = idle_seconds or float(current_app.config["MAIL_WORKER_IDLE_SECONDS"])
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"mail worker delivering to {destination}")
    while not stopping:
        report = deliver_pass(honour_backoff=True, should_stop=lambda: stopping)
        if report.tried:
            _echo_reasons(report)
            click.echo(_summary(report))
            continue
        due = next_due()
        wait = idle if due is None else (due - utcnow()).total_seconds()
        deadline = time.monotonic() + min(max(wait, 0.1), idle)
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
    click.echo("mail worker stopped")


@match_cli.command("introduce")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
def introduce_command(semester_name: str) -> None:
    """Queue an introduction for each person of each confirmed pair not introduced yet.

    Running it again queues nothing new. `mail send` (or the worker) delivers them.
    """
    with one_transaction():
        count = introduce(get_semester(semester_name), actor=CLI_ACTOR)
    click.echo(f"Queued {count} introduction(s).")
