"""`flask demo`: a synthetic semester and a demo coordinator, for trying the service locally."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from matcher.cli import one_transaction
from matcher.demo import demo_applicants
from matcher.extensions import db
from matcher.models import ConsentSource, Semester
from matcher.services.accounts.users import create_user
from matcher.services.applicants.adding import add_applicant
from matcher.services.audit import CLI_ACTOR
from matcher.services.semesters.stages import create_semester

DEMO_SEMESTER = "Demo Spring 2027"
DEMO_EMAIL = "coordinator@example.org"
LOGIN_FILE = "demo-login.txt"


@click.command("demo")
@click.option("--students", type=click.IntRange(1, 5000), default=80, show_default=True)
@click.option("--tutors", type=click.IntRange(1, 5000), default=80, show_default=True)
def demo_command(students: int, tutors: int) -> None:
    """Load a synthetic demo semester (made-up people) and a demo coordinator account."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    login_file = Path(current_app.instance_path) / LOGIN_FILE
    existing = db.session.scalars(select(Semester).where(Semester.name == DEMO_SEMESTER)).first()
    if existing is not None:
        click.echo(f"Demo semester {DEMO_SEMESTER!r} is already loaded.")
        _print_login(login_file)
        return
    password = secrets.token_urlsafe(12)
    with one_transaction():
        user = create_user(DEMO_EMAIL, "Demo coordinator", password, admin=True, actor=CLI_ACTOR)
        semester = create_semester(
            DEMO_SEMESTER, date(2027, 3, 2), date(2027, 6, 19), 60, actor=CLI_ACTOR
        )
        for person in demo_applicants(semester.starts_on, students, tutors):
            add_applicant(
                semester,
                person,
                status=person.status,
                consent_source=ConsentSource.IMPORT,
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                imported_by_id=user.id,
            )
    fd = os.open(login_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{DEMO_EMAIL}\n{password}\n")
    click.echo(
        f"Loaded {DEMO_SEMESTER!r} ({semester.starts_on} to {semester.ends_on}): "
        f"{students} students and {tutors} tutors, all synthetic."
    )
    _print_login(login_file)


def _print_login(login_file: Path) -> None:
    if not login_file.exists():
        click.echo(
            "The demo login file is gone; create an account with: flask --app matcher users create-coordinator"
        )
        return
    email, password = login_file.read_text().splitlines()[:2]
    click.echo(f"Demo coordinator login: {email} / {password}  (kept in {login_file})")
