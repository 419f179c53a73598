"""Encrypted personal fields: nothing readable in the SQLite file or a PostgreSQL dump, exact round trips."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from matcher.extensions import db
from matcher.models import Applicant

CANARY_NAME = "Qorvath Canary 카나리아"
CANARY_EMAIL = "qorvath.canary@example.org"
CANARY_PARTNER = "partner.canary@example.org"
CANARY_NOTE = "canary-note-zmw 비밀 메모"
CANARIES = [CANARY_NAME, CANARY_EMAIL, CANARY_PARTNER, CANARY_NOTE, "카나리아", "qorvath"]


@pytest.fixture
def canary(make_semester, make_student) -> Applicant:
    student = make_student(
        make_semester(),
        display_name=CANARY_NAME,
        email=CANARY_EMAIL,
        continue_with=CANARY_PARTNER,
    )
    student.note = CANARY_NOTE
    db.session.commit()
    return student


def sqlite_file_bytes() -> bytes:
    """The database file after a full checkpoint, plus anything left in the WAL."""
    raw = db.engine.raw_connection()  # outside the BEGIN IMMEDIATE every session transaction opens
    try:
        assert raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        raw.close()
    path = Path(db.engine.url.database)
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def pg_dump_bytes(schema: str) -> bytes:
    url = make_url(os.environ["TEST_DATABASE_URL"])
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    result = subprocess.run(
        [
            "pg_dump",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "-d",
            url.database or "test",
            "-n",
            schema,
        ],
        capture_output=True,
        env=env,
        check=True,
        timeout=60,
    )
    return result.stdout


def stored_bytes(database_url: str) -> bytes:
    if db.engine.dialect.name == "sqlite":
        return sqlite_file_bytes()
    return pg_dump_bytes(database_url)  # on PostgreSQL the fixture's value is the test's schema


def test_canary_is_not_in_the_database_files(app, canary, database_url) -> None:
    data = stored_bytes(database_url)
    assert canary.public_id.encode() in data  # the search works: plain columns are found
    for secret in CANARIES:
        for form in (secret, secret.lower(), secret.upper()):
            assert form.encode("utf-8") not in data, form
    stored = db.session.execute(
        text("SELECT display_name, email, continue_with, note FROM applicants")
    ).one()
    assert all(value.startswith("v1:") for value in stored)


def test_every_field_reads_back_as_written(app, canary) -> None:
    db.session.expire_all()
    again = db.session.get(Applicant, canary.id)
    assert (again.display_name, again.email, again.continue_with, again.note) == (
        CANARY_NAME,
        CANARY_EMAIL,
        CANARY_PARTNER,
        CANARY_NOTE,
    )


HOSTILE_TEXT = [
    "김정은 아닌 김철수",
    unicodedata.normalize("NFD", "한글 이름"),  # decomposed Hangul stays exactly as given
    "Fox 🦊 🇰🇷 👩🏽‍🏫",
    "שלום مرحبا",
    "\u202eevil\u202c",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE applicants; --",
    "nul\x00inside",
]


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_round_trip_of_any_text(app, make_semester, make_student, value: str) -> None:
    """The column type is byte-exact; judging what is allowed is the services' job, not its."""
    student = make_student(make_semester(), display_name=value[:80])
    student.note = value
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Applicant, student.id)
    assert again.display_name == value[:80]
    assert again.note == value


def test_a_long_astral_note_round_trips(app, make_semester, make_student) -> None:
    note = "🦊" * 500  # 500 characters, 2,000 UTF-8 bytes: the limit counts characters
    student = make_student(make_semester())
    student.note = note
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Applicant, student.id).note == note


def test_python_limits_replace_the_dropped_checks(app, make_semester, make_student) -> None:
    student = make_student(make_semester())
    with pytest.raises(ValueError, match="display name"):
        student.display_name = "x" * 81
    with pytest.raises(ValueError, match="display name"):
        student.display_name = ""
    with pytest.raises(ValueError, match="note"):
        student.note = "x" * 501
    with pytest.raises(ValueError, match="lowercased"):
        student.email = "Upper@Example.org"
    with pytest.raises(ValueError, match="lowercased"):
        student.continue_with = " spaced@example.org"
