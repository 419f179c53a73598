"""Restore drills: a `flask backup` copy restores with every row and passes integrity checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import threading
import time
import uuid
from pathlib import Path

import click
import pytest
from sqlalchemy import URL, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from matcher.cli.backup import backup_postgresql
from matcher.extensions import db
from matcher.models import Applicant, AuditEvent


@pytest.fixture
def semester_data(make_student, make_tutor, make_user, make_semester):
    semester = make_semester()
    for n in range(12):
        make_student(semester, display_name=f"학생 {n}*", continue_with="=cmd|' /C calc'!A0")
        make_tutor(semester)
    make_user()
    db.session.commit()


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspect(connection).get_table_names()
        }


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def restore_sqlite(backup: Path, target: Path) -> None:
    """The restore procedure in SECURITY.md: copy the backup into a new file with the backup API."""
    with sqlite3.connect(backup) as source, sqlite3.connect(target) as destination:
        source.backup(destination)


def require(engine_name: str) -> None:
    if db.engine.dialect.name != engine_name:
        pytest.skip(f"this drill is for {engine_name}")


def test_sqlite_backup_restores_with_equal_row_counts(app, runner, semester_data, tmp_path):
    require("sqlite")
    before = row_counts(db.engine)
    assert before["applicants"] == 24
    output = tmp_path / "backups" / "lelp.sqlite3"

    result = runner.invoke(args=["backup", "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    restored = tmp_path / "restored.sqlite3"
    restore_sqlite(output, restored)
    with sqlite3.connect(restored) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sqlite_counts(restored) == before
    # The backup itself is audited (after the copy, so the copy does not hold that row).
    assert row_counts(db.engine)["audit_events"] == before["audit_events"] + 1
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == (
        "database.backup"
    )


def test_sqlite_backup_is_consistent_while_the_service_writes(app_ctx, runner, tmp_path):
    """A writer commits rows continuously; the copy holds a whole prefix of them and no lock error."""
    require("sqlite")
    db.session.commit()
    source = db.engine.url.database
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def write() -> None:
        connection = sqlite3.connect(source, timeout=15, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        try:
            while not stop.is_set() or written[0] < 50:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(
                    "INSERT INTO audit_events (at, actor, action, outcome, detail) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'drill.write', 'ok', '{}')"
                )
                connection.execute("COMMIT")
                written[0] += 1
                time.sleep(
                    0.002
                )  # requests come and go; a writer never holding the lock back to back
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        outputs = [tmp_path / f"copy-{n}.sqlite3" for n in range(3)]
        for output in outputs:
            result = runner.invoke(args=["backup", "-o", str(output)])
            assert result.exit_code == 0, result.output
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not errors, errors
    copied = []
    for output in outputs:
        with sqlite3.connect(output) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            copied.append(
                connection.execute(
                    "SELECT count(*) FROM audit_events WHERE action = 'drill.write'"
                ).fetchone()[0]
            )
    assert copied == sorted(copied) and copied[-1] <= written[0]


def test_backup_does_not_overwrite_without_force(app_ctx, runner, tmp_path):
    require("sqlite")
    output = tmp_path / "existing.sqlite3"
    output.write_text("an older backup")
    result = runner.invoke(args=["backup", "-o", str(output)])
    assert result.exit_code != 0 and "--force" in result.output
    assert output.read_text() == "an older backup"
    assert runner.invoke(args=["backup", "-o", str(output), "--force"]).exit_code == 0
    assert output.read_bytes().startswith(b"SQLite format 3")


def test_postgresql_backup_restores_into_a_fresh_database(app, runner, semester_data, tmp_path):
    require("postgresql")
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    before = row_counts(db.engine)
    schema = db.session.execute(text("SELECT current_schema()")).scalar_one()
    db.session.rollback()
    output = tmp_path / "lelp.dump"

    result = runner.invoke(args=["backup", "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        target = server.set(database=name)
        env = {**os.environ, "PGPASSWORD": str(server.password or "")}
        libpq = target.set(drivername="postgresql", password=None)
        command = ["pg_restore", "--no-owner", "--exit-on-error"]
        command += ["-d", libpq.render_as_string(False), str(output)]
        restore = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert restore.returncode == 0, restore.stderr
        restored = create_engine(target, connect_args={"options": f"-c search_path={schema}"})
        try:
            assert row_counts(restored) == before
            with restored.connect() as connection:
                # Names are encrypted at rest: read them through the model's column type,
                # which decrypts with this app's data key (the restored copy needs the same key).
                names = connection.execute(
                    select(Applicant.display_name).order_by(Applicant.id)
                ).scalars()
                assert "학생 0*" in list(names)
        finally:
            restored.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_missing_pg_dump_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    url = URL.create("postgresql+psycopg", username="u", host="127.0.0.1", database="d")
    with pytest.raises(click.ClickException, match="pg_dump was not found"):
        backup_postgresql(url, tmp_path / "x.dump", None)


def test_backup_counts_query_is_engine_agnostic(app_ctx) -> None:
    """Guards the drills above: the helper sees the app's tables on either engine."""
    counts = row_counts(db.engine)
    assert {"applicants", "matches", "audit_events"} <= set(counts)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == counts["audit_events"]
