"""`flask data-key rotate`: every value moves to the new key in one transaction, or none does."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PersonFields
from sqlalchemy import select, text

from matcher.crypto.fields import DecryptionError, decrypt
from matcher.crypto.keys import KEY_FILE, derive
from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Semester
from matcher.services.applicants.adding import add_applicant, find_applicant
from matcher.services.privacy import key_rotation
from matcher.services.privacy.purge import purge_semester

from .test_at_rest import pg_dump_bytes

pytestmark = pytest.mark.db

NEW_KEY = base64.b64encode(b"N" * 32).decode()
OTHER_KEY = base64.b64encode(b"Z" * 32).decode()
ENCRYPTED = ("display_name", "email", "continue_with", "note")
ROTATE = ["data-key", "rotate", "--service-stopped"]

# (semester, role, email, display_name, continue_with, note); the purged semester keeps none.
PEOPLE = [
    (
        "Open",
        "student",
        "minji.park@example.org",
        "박 민지 🌸",
        "tutor.one@example.org",
        "야간 근무",
    ),
    ("Open", "tutor", "tutor.one@example.org", "Tutor One", None, None),
    ("Open", "student", "second@example.org", "Second Student", None, "prefers\nweekends"),
    ("Open", "student", "third@example.org", "مدرس عربي", "tutor.one@example.org", None),
    ("Open", "tutor", "tutor.two@example.org", "Tutor Two", None, "=cmd|' /C calc'!A0"),
    ("Closed", "student", "old.student@example.org", "Old Student", None, "last year"),
    ("Closed", "tutor", "old.tutor@example.org", "Old Tutor", None, None),
]
PURGED = [("Purged", "student", "gone@example.org", "Gone Person", None, "purged note")]


@pytest.fixture
def apps(make_app, monkeypatch):
    """Apps on this test's database; the first one's key is the instance file's (the old key)."""
    monkeypatch.delenv("MATCHER_NEW_DATA_KEY", raising=False)
    monkeypatch.delenv("MATCHER_DATA_KEY", raising=False)
    built = []

    def build(**overrides):
        app = make_app(create_tables=not built, SQLITE_BUSY_TIMEOUT_MS=300, **overrides)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def old_app(apps):
    app = apps()
    with app.app_context():
        for name in ("Open", "Closed", "Purged"):
            semester = Semester(
                name=name,
                starts_on=datetime(2027, 3, 2).date(),
                ends_on=datetime(2027, 6, 19).date(),
                session_minutes=60,
                status="matching",
            )
            db.session.add(semester)
            db.session.flush()
            for _, role, email, person, partner, note in PEOPLE + PURGED:
                if _ != name:
                    continue
                fields = replace(
                    PersonFields(role=role, display_name=person, email=email),
                    continue_with=partner,
                    capacity=2 if role == "tutor" else 1,
                    note=note,
                )
                add_applicant(semester, fields, status="approved", notice_version="t")
            if name != "Open":
                semester.status = "closed"
                semester.closed_at = datetime(2026, 1, 15, tzinfo=UTC)
        db.session.flush()
        purge_semester(
            db.session.scalars(select(Semester).filter_by(name="Purged")).one(), actor="t"
        )
        db.session.commit()
        db.session.remove()
    return app


def read_everything(app) -> list[tuple]:
    with app.app_context():
        try:
            rows = db.session.execute(
                select(Semester.name, Applicant).join(Semester).order_by(Applicant.id)
            ).all()
            return [(s, a.role, a.email, a.display_name, a.continue_with, a.note) for s, a in rows]
        finally:
            db.session.rollback()
            db.session.remove()


def found_by_email(app) -> list[bool]:
    """Look every person up by email (in another case), as the sign-up form's duplicate check does."""
    with app.app_context():
        semesters = {s.name: s for s in db.session.scalars(select(Semester))}
        found = [
            getattr(find_applicant(semesters[s], role, email.upper()), "public_id", None)
            is not None
            for s, role, email, *_ in PEOPLE
        ]
        db.session.remove()
        return found


def raw_rows(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            text(f"SELECT id, email_hash, {', '.join(ENCRYPTED)} FROM applicants ORDER BY id")
        ).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def opens(stored: str, column: str, key_text: str) -> bool:
    try:
        decrypt(stored, column, derive(base64.b64decode(key_text)))
    except DecryptionError:
        return False
    return True


def key_text(app) -> str:
    return base64.b64encode(app.extensions["data_keys"].root).decode()


def rotate(app, *args: str, new_key: str | None = NEW_KEY):
    env = {"MATCHER_NEW_DATA_KEY": new_key} if new_key else {}
    return app.test_cli_runner().invoke(args=[*ROTATE, *args], env=env)


def rotation_events(app) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).filter_by(action="data_key.rotate").order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        db.session.remove()
        return events


def assert_all_on(app, key: str) -> None:
    """Everyone readable and findable by email with KEY; every stored value opens with it."""
    assert read_everything(app) == PEOPLE
    assert all(found_by_email(app))
    for row in raw_rows(app):
        for column, value in zip(ENCRYPTED, row[2:], strict=True):
            assert value is None or opens(value, column, key), (row[0], column)


# ----- a rotation that succeeds ----------------------------------------------------------------


def test_after_rotation_the_new_key_reads_and_finds_everyone(apps, old_app) -> None:
    old_key = key_text(old_app)
    result = rotate(old_app)

    assert result.exit_code == 0, result.output
    values = sum(v is not None for p in PEOPLE for v in (p[2], p[3], p[4], p[5]))
    assert f"Re-encrypted {values} values of {len(PEOPLE)} applicants" in result.output
    assert "set MATCHER_DATA_KEY to the new key" in result.output
    assert "restart every worker" in result.output
    assert "Backups made before this rotation open only with the OLD key" in result.output
    assert NEW_KEY not in result.output and old_key not in result.output

    new_app = apps(DATA_KEY=NEW_KEY)
    assert_all_on(new_app, NEW_KEY)
    checked = new_app.test_cli_runner().invoke(args=["data-key", "check"])
    assert checked.exit_code == 0, checked.output
    assert f"All {values} encrypted values of {len(PEOPLE)} applicants open" in checked.output

    [event] = rotation_events(new_app)
    assert (event.actor, event.outcome) == ("cli", "ok")
    assert event.detail == {
        "rows": len(PEOPLE),
        "values": values,
        "email_hashes": len(PEOPLE),
        "tables": ["applicants", "exclusions", "matches", "outbox_messages"],
    }
    recorded = json.dumps(event.detail)
    assert NEW_KEY not in recorded and old_key not in recorded


def test_after_rotation_the_old_key_cannot_read(old_app) -> None:
    assert rotate(old_app).exit_code == 0

    with pytest.raises(DecryptionError, match="wrong MATCHER_DATA_KEY"):
        read_everything(old_app)
    assert not any(found_by_email(old_app))  # the old key's email hashes are gone too
    checked = old_app.test_cli_runner().invoke(args=["data-key", "check"])
    assert checked.exit_code == 1
    assert "do not match the key from" in checked.output


def test_no_stored_value_opens_with_the_old_key(old_app, database_url) -> None:
    old_key = key_text(old_app)
    old_hashes = {row[1] for row in raw_rows(old_app)}
    assert rotate(old_app).exit_code == 0

    rows = raw_rows(old_app)
    assert old_hashes.isdisjoint(row[1] for row in rows)
    for row in rows:
        for column, value in zip(ENCRYPTED, row[2:], strict=True):
            assert value is None or not opens(value, column, old_key)
    # Nor in the bytes: the SQLite file and its WAL as the command left them, or a pg_dump.
    with old_app.app_context():
        if db.engine.dialect.name == "sqlite":
            path = Path(db.engine.url.database)
            files = [path, Path(f"{path}-wal")]
            data = b"".join(f.read_bytes() for f in files if f.exists()).decode("latin-1")
        else:
            data = pg_dump_bytes(database_url).decode("latin-1")
        db.session.remove()
    assert all(value in data for row in rows for value in row[2:] if value)  # the scan sees them
    assert not old_ciphertext_in(data, old_key)


def old_ciphertext_in(data: str, key: str) -> list[str]:
    """Every "v1:" run in raw bytes that KEY opens; a value's neighbours in a page may continue
    the base64 run, so each run is tried at every length a base64 value can have."""
    keys = derive(base64.b64decode(key))
    found = []
    for run in set(re.findall(r"v1:[A-Za-z0-9+/=]+", data)):
        body = run[3:]
        for end in range(4, len(body) + 1, 4):
            candidate = "v1:" + body[:end]
            for column in ENCRYPTED:
                with contextlib.suppress(DecryptionError):
                    decrypt(candidate, column, keys)
                    found.append(candidate)
    return found


def test_update_key_file_replaces_the_local_key_in_place(apps, old_app, tmp_path) -> None:
    key_file = tmp_path / "instance" / KEY_FILE
    assert key_file.read_text().strip() == key_text(old_app)  # the old key came from this file

    result = rotate(old_app, "--update-key-file")

    assert result.exit_code == 0, result.output
    assert f"{key_file} now holds the new key" in result.output
    assert key_file.read_text().strip() == NEW_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(p.name for p in key_file.parent.glob("data_key*")) == [KEY_FILE]
    assert_all_on(apps(), NEW_KEY)  # an app started afresh reads the file


def test_a_key_left_staged_by_an_earlier_run_stops_the_rotation(old_app, tmp_path) -> None:
    """instance/data_key.new may be the only copy of a key the database needs: never replaced."""
    staged = tmp_path / "instance" / f"{KEY_FILE}.new"
    staged.write_text(OTHER_KEY)
    before = raw_rows(old_app)
    result = rotate(old_app, "--update-key-file")
    assert result.exit_code == 1
    assert "an earlier rotation stopped after staging its key" in result.output
    assert staged.read_text() == OTHER_KEY
    assert raw_rows(old_app) == before


def test_generate_writes_a_private_key_file_and_never_overwrites_one(
    apps, old_app, tmp_path
) -> None:
    output = tmp_path / "keys" / "new_data_key"
    output.parent.mkdir()
    result = rotate(old_app, "--generate", "-o", str(output), new_key=None)

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    generated = output.read_text().strip()
    assert len(base64.b64decode(generated)) == 32
    assert generated not in result.output
    assert f"the new key (the file {output})" in result.output
    new_app = apps(DATA_KEY=generated)
    assert_all_on(new_app, generated)

    before = raw_rows(new_app)
    again = rotate(new_app, "--generate", "-o", str(output), new_key=None)
    assert again.exit_code == 2
    assert "exists; the new key is never written over a file" in again.output
    assert output.read_text().strip() == generated
    assert raw_rows(new_app) == before


def test_the_new_key_can_come_from_a_file(apps, old_app, tmp_path) -> None:
    key_path = tmp_path / "new.key"
    key_path.write_text(NEW_KEY + "\n")
    result = rotate(old_app, "--new-key-file", str(key_path), new_key=None)
    assert result.exit_code == 0, result.output
    assert_all_on(apps(DATA_KEY=NEW_KEY), NEW_KEY)


# ----- failures change nothing -------------------------------------------------------------------


def _fail_on_the_fifth_encryption(monkeypatch) -> None:
    real = key_rotation.encrypt
    calls = iter(range(1, 10_000))

    def failing(*args, **kwargs):
        if next(calls) == 5:  # two batches of two rows are already written by then
            raise RuntimeError("injected failure")
        return real(*args, **kwargs)

    monkeypatch.setattr(key_rotation, "encrypt", failing)


def _fail_in_verification(monkeypatch) -> None:
    def failing(*args, **kwargs):
        raise RuntimeError("injected failure after every row was rewritten")

    monkeypatch.setattr(key_rotation, "_verify", failing)


def _interrupt_mid_way(monkeypatch) -> None:
    real = key_rotation.email_hash_under
    calls = iter(range(1, 10_000))

    def interrupted(*args, **kwargs):
        if next(calls) == 4:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the loop
        return real(*args, **kwargs)

    monkeypatch.setattr(key_rotation, "email_hash_under", interrupted)


@pytest.mark.parametrize(
    "inject", [_fail_on_the_fifth_encryption, _fail_in_verification, _interrupt_mid_way]
)
def test_a_failure_mid_rotation_leaves_everything_on_the_old_key(
    apps, old_app, monkeypatch, inject
) -> None:
    old_key = key_text(old_app)
    before = raw_rows(old_app)
    monkeypatch.setattr(key_rotation, "ROW_BATCH", 2)
    inject(monkeypatch)

    result = rotate(old_app)

    assert result.exit_code == 1  # Ctrl-C included: click reports it as "Aborted!"
    assert "nothing was changed" in result.output
    assert raw_rows(old_app) == before
    assert_all_on(old_app, old_key)
    assert rotation_events(old_app) == []
    with pytest.raises(DecryptionError):
        read_everything(apps(DATA_KEY=NEW_KEY))
    with old_app.app_context():  # the service can still write (no lock left behind)
        student = db.session.scalars(select(Applicant).order_by(Applicant.id)).first()
        student.note = "written after the failed rotation"
        db.session.commit()
        db.session.remove()


def test_a_value_the_old_key_cannot_open_aborts_the_whole_rotation(old_app, monkeypatch) -> None:
    old_key = key_text(old_app)
    monkeypatch.setattr(key_rotation, "ROW_BATCH", 2)
    rows = raw_rows(old_app)
    last_id = rows[-1][0]
    foreign = derive(base64.b64decode(OTHER_KEY))
    from matcher.crypto.fields import encrypt

    with old_app.app_context():
        db.session.execute(
            text("UPDATE applicants SET note = :v WHERE id = :id"),
            {"v": encrypt("under another key", "note", foreign), "id": last_id},
        )
        db.session.commit()
        db.session.remove()
    before = raw_rows(old_app)

    checked = old_app.test_cli_runner().invoke(args=["data-key", "check"])
    assert checked.exit_code == 1
    assert f"applicants id {last_id}, note" in checked.output
    result = rotate(old_app)

    assert result.exit_code == 1
    assert f"applicants id {last_id}, note cannot be decrypted with the current key" in (
        result.output
    )
    assert "nothing was changed" in result.output
    assert raw_rows(old_app) == before
    for row in before[:-1]:
        for column, value in zip(ENCRYPTED, row[2:], strict=True):
            assert value is None or opens(value, column, old_key)
    [event] = rotation_events(old_app)
    assert event.outcome == "failed"
    assert f"applicants id {last_id}, note" in event.detail["reason"]
    assert "under another key" not in json.dumps(event.detail)


def test_a_busy_database_is_not_rotated(old_app, monkeypatch) -> None:
    """Another connection mid-write (a running worker) holds the lock: the command gives up."""
    monkeypatch.setattr(key_rotation, "LOCK_WAIT", "300ms")
    old_key = key_text(old_app)
    before = raw_rows(old_app)
    with old_app.app_context():
        blocker = db.engine.connect()
        transaction = blocker.begin()
        blocker.execute(text("UPDATE applicants SET status = status WHERE id = :id"), {"id": 1})
        try:
            result = rotate(old_app)
        finally:
            transaction.rollback()
            blocker.close()
    assert result.exit_code == 1
    assert "Could not lock the applicants for the rotation" in result.output
    assert "Is the service still running? Nothing was changed." in result.output
    assert raw_rows(old_app) == before
    assert_all_on(old_app, old_key)
    assert rotate(old_app).exit_code == 0  # once the writer is gone it goes through


# ----- refusals ----------------------------------------------------------------------------------

SHORT_KEY = base64.b64encode(b"s" * 16).decode()


@pytest.mark.parametrize(
    ("args", "new_key", "message"),
    [
        ([], "not base64 at all!", "The value of MATCHER_NEW_DATA_KEY is not base64"),
        ([], SHORT_KEY, "must be base64 of 32 bytes, not 16"),
        (["--new-key", OTHER_KEY], None, "must not be given on the command line"),
        ([OTHER_KEY], None, "must not be given on the command line"),
        (["--new-key-file", OTHER_KEY], None, "must not be given on the command line"),
        (["--new-key-file", "/nonexistent/key"], None, "/nonexistent/key is not a file"),
        ([], None, "Give the new key in exactly one way"),
        (["--generate", "-o", "/tmp/x"], NEW_KEY, "exactly one way"),
        (["--generate"], None, "--generate needs -o FILE"),
        (["--update-key-file"], None, "exactly one way"),
    ],
)
def test_bad_new_keys_are_refused_and_change_nothing(old_app, args, new_key, message) -> None:
    before = raw_rows(old_app)
    result = rotate(old_app, *args, new_key=new_key)
    assert result.exit_code != 0
    assert message in result.output
    for secret in (new_key, OTHER_KEY, SHORT_KEY):
        if secret and "not base64" not in secret:
            assert secret not in result.output
    assert raw_rows(old_app) == before


def test_the_current_key_is_refused_as_the_new_one(old_app) -> None:
    before = raw_rows(old_app)
    result = rotate(old_app, new_key=key_text(old_app))
    assert result.exit_code == 1
    assert "The new key is the key in use now" in result.output
    assert raw_rows(old_app) == before


def test_the_service_must_be_declared_stopped(old_app) -> None:
    before = raw_rows(old_app)
    result = old_app.test_cli_runner().invoke(
        args=["data-key", "rotate"], env={"MATCHER_NEW_DATA_KEY": NEW_KEY}
    )
    assert result.exit_code == 2
    assert "Stop the service first" in result.output
    assert "stored under the old key" in result.output
    assert raw_rows(old_app) == before


def test_update_key_file_needs_a_key_that_came_from_the_file(apps, old_app) -> None:
    configured = apps(DATA_KEY=key_text(old_app))
    result = rotate(configured, "--update-key-file")
    assert result.exit_code == 2
    assert "this service's key comes from the DATA_KEY setting" in result.output
    assert_all_on(old_app, key_text(old_app))


def test_every_encrypted_column_is_rotated() -> None:
    """Found on the model, so a newly encrypted column cannot be left behind on the old key."""
    tables = {table.name: table for table in key_rotation.encrypted_tables()}
    assert set(tables) == {"applicants", "exclusions", "matches", "outbox_messages"}
    table = tables["applicants"]
    assert set(table.columns) == set(ENCRYPTED)
    assert table.hash_columns == ("email", "email_hash")
    # The outbox holds names, addresses and links of messages not yet sent (matcher.models.outbox).
    assert set(tables["outbox_messages"].columns) == {
        "to_name",
        "to_address",
        "subject",
        "body",
        "calendar",
    }
    # Coordinators' free-text notes about pairs are encrypted too (and so rotated).
    assert tables["matches"].columns == {
        "end_reason": "end_reason",
        "manual_override_note": "manual_override_note",
    }
    assert tables["exclusions"].columns == {"reason": "exclusion_reason"}
    assert tables["matches"].hash_columns is None
