"""`flask backup -o FILE`: a consistent copy of the whole database, safe to take while serving."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import URL, text

from matcher.cli import one_transaction
from matcher.extensions import db
from matcher.services.audit import CLI_ACTOR, record_event

# A backup holds every applicant's contacts: readable by its owner only.
PRIVATE_MODE = 0o600


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def backup_command(output: Path, force: bool) -> None:
    """Copy the database to OUTPUT while the service keeps running; the copy is private (0600)."""
    if output.exists() and not force:
        raise click.ClickException(f"{output} exists; pass --force to replace it.")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        engine = "sqlite"
        _write_atomically(output, lambda tmp: backup_sqlite(_sqlite_path(url), tmp))
    elif url.get_backend_name() == "postgresql":
        engine = "postgresql"
        schema = _app_schema()
        _write_atomically(output, lambda tmp: backup_postgresql(url, tmp, schema))
    else:
        raise click.ClickException(f"No backup method for {url.get_backend_name()} databases.")
    with one_transaction():
        record_event("database.backup", actor=CLI_ACTOR, detail={"engine": engine})
    click.echo(f"Backup written to {output} ({output.stat().st_size} bytes).")


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory SQLite database has nothing to back up.")
    return url.database


def backup_sqlite(source: str, destination: Path) -> None:
    """SQLite's online backup API: one consistent snapshot even while requests write (WAL).

    The copy is switched out of WAL mode so it is one self-contained file.
    """
    src = sqlite3.connect(source, timeout=30)
    dest = sqlite3.connect(destination)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        result = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
        src.close()
    if result != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {result}")


def _app_schema() -> str | None:
    """The schema the app's tables live in, when it is not PostgreSQL's default one."""
    schema = db.session.execute(text("SELECT current_schema()")).scalar_one()
    db.session.rollback()
    return None if schema in (None, "public") else schema


def backup_postgresql(url: URL, destination: Path, schema: str | None) -> None:
    """pg_dump's custom format (restore with pg_restore); one snapshot in one transaction."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException(
            "pg_dump was not found on PATH; install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    # The password goes through the environment, never the command line that `ps` shows.
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False
    )
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={destination}", libpq_url]
    if schema:
        command.insert(-1, f"--schema={schema}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")


def _write_atomically(output: Path, write: Callable[[Path], None]) -> None:
    """Write into a private (0600) temporary file beside OUTPUT, then rename it into place:
    there is never a half-written backup under OUTPUT's name, nor a moment it is world-readable."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".backup-", dir=output.parent)  # created 0600
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)  # sqlite3 and pg_dump both write into the existing empty file
        os.chmod(tmp, PRIVATE_MODE)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
