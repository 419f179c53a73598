"""The data key: where it comes from, refusals without a usable one, and what a wrong key or tampering does."""

from __future__ import annotations

import base64
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select, text

from matcher import create_app
from matcher.config import ProductionConfig
from matcher.crypto.fields import DecryptionError, EncryptedComparisonError
from matcher.crypto.keys import KEY_FILE, DataKeyError, local_data_key
from matcher.extensions import db
from matcher.models import Applicant, Semester
from matcher.services.applicants.adding import add_applicant

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("SECRET_KEY", "DATABASE_URL", "MATCHER_ENV", "MATCHER_DATA_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")


def test_production_refuses_to_start_without_the_env_key(clean_env, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / KEY_FILE).write_text(KEY_A)  # a local key file is not enough
    with pytest.raises(DataKeyError, match="MATCHER_DATA_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("MATCHER_ENV", "production")
    with pytest.raises(DataKeyError, match="MATCHER_DATA_KEY"):
        create_app()


def test_production_starts_with_the_env_key_and_writes_no_key_file(
    clean_env, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("MATCHER_DATA_KEY", KEY_A)
    app = create_app(ProductionConfig)
    assert app.extensions["data_keys"].root == b"A" * 32
    assert not (tmp_path / "instance" / KEY_FILE).exists()


@pytest.mark.parametrize(
    "bad", ["not base64 at all!", base64.b64encode(b"short").decode(), KEY_A + KEY_A]
)
def test_a_malformed_env_key_is_refused_without_echoing_it(clean_env, monkeypatch, bad) -> None:
    monkeypatch.setenv("MATCHER_DATA_KEY", bad)
    with pytest.raises(DataKeyError) as refused:
        create_app()
    assert bad not in str(refused.value)
    assert "MATCHER_DATA_KEY" in str(refused.value)


def test_local_key_file_is_made_once_owner_only_and_reused(clean_env, tmp_path) -> None:
    first = create_app()
    path = tmp_path / "instance" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = create_app()
    assert first.extensions["data_keys"].root == again.extensions["data_keys"].root
    assert len(base64.b64decode(path.read_text())) == 32


def test_workers_starting_together_share_one_key_file(tmp_path) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(local_data_key, [str(tmp_path)] * 64))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary files left


def test_the_env_key_wins_over_the_key_file(clean_env, monkeypatch) -> None:
    create_app()  # makes the file
    monkeypatch.setenv("MATCHER_DATA_KEY", KEY_B)
    assert create_app().extensions["data_keys"].root == b"B" * 32


def test_keys_are_per_app_not_per_process(clean_env) -> None:
    one = create_app({"DATA_KEY": KEY_A})
    two = create_app({"DATA_KEY": KEY_B})
    from matcher.crypto.keys import current_keys

    with one.app_context():
        assert current_keys().root == b"A" * 32
    with two.app_context():
        assert current_keys().root == b"B" * 32


def test_no_app_context_no_key() -> None:
    from matcher.crypto.keys import current_keys

    with pytest.raises(DataKeyError, match="app context"):
        current_keys()


# ----- against a database (SQLite, and PostgreSQL in CI) ----------------------------------------


@pytest.mark.db
def test_a_wrong_key_refuses_to_read(make_app) -> None:
    writer = make_app(DATA_KEY=KEY_A)
    with writer.app_context():
        semester = Semester(name="Key test", starts_on=_day(), ends_on=_day(), session_minutes=60)
        db.session.add(semester)
        db.session.flush()
        add_applicant(semester, _fields(), notice_version="test")
        db.session.commit()
        db.session.remove()
    reader = make_app(create_tables=False, DATA_KEY=KEY_B)
    with reader.app_context():
        with pytest.raises(DecryptionError, match="wrong MATCHER_DATA_KEY"):
            db.session.scalars(select(Applicant)).all()
        db.session.rollback()
        db.session.remove()
    with make_app(create_tables=False, DATA_KEY=KEY_A).app_context():
        assert db.session.scalars(select(Applicant.display_name)).one() == "Key Person"
        db.session.remove()
        db.engine.dispose()


def _day():
    from datetime import date

    return date(2027, 3, 2)


def _fields():
    from matcher.domain import ApplicantDraft
    from matcher.domain.windows import parse_windows

    return ApplicantDraft(
        role="student",
        display_name="Key Person",
        email="key.person@example.org",
        timezone="Asia/Seoul",
        windows=parse_windows("Mon 19:00-21:00"),
        goals=frozenset({"conversation"}),
        levels=frozenset({"beginner"}),
    )


def _stored(column: str, applicant_id: int) -> str:
    return db.session.execute(
        text(f"SELECT {column} FROM applicants WHERE id = :id"),
        {"id": applicant_id},
    ).scalar_one()


def _store(column: str, applicant_id: int, value: str) -> None:
    db.session.execute(
        text(f"UPDATE applicants SET {column} = :v WHERE id = :id"),
        {"v": value, "id": applicant_id},
    )
    db.session.commit()
    db.session.expire_all()


def test_tampered_ciphertext_raises_a_clear_error(app, make_student) -> None:
    student = make_student()
    student.note = "a private note"
    db.session.commit()
    sid = student.id
    body = bytearray(base64.b64decode(_stored("note", sid)[3:]))
    body[-1] ^= 1  # one flipped bit in the tag
    _store("note", sid, "v1:" + base64.b64encode(bytes(body)).decode())
    with pytest.raises(DecryptionError, match="note: cannot decrypt"):
        db.session.get(Applicant, sid)
    db.session.rollback()
    _store("note", sid, "plain text someone typed into the database")
    with pytest.raises(DecryptionError, match="not in the v1 encrypted format"):
        db.session.get(Applicant, sid)


def test_ciphertext_moved_to_another_column_does_not_decrypt(app, make_student) -> None:
    student = make_student()
    student.note = "a note pretending to be a name"
    db.session.commit()
    sid = student.id
    _store("display_name", sid, _stored("note", sid))
    with pytest.raises(DecryptionError, match="display_name"):
        db.session.get(Applicant, sid)


def test_equal_values_encrypt_differently(app, make_semester, make_student) -> None:
    semester = make_semester()
    one = make_student(semester, display_name="Same Name")
    two = make_student(semester, display_name="Same Name")
    db.session.commit()
    assert _stored("display_name", one.id) != _stored("display_name", two.id)


def test_sql_comparisons_on_encrypted_columns_fail_loudly(app_ctx) -> None:
    with pytest.raises(EncryptedComparisonError, match="email_hash"):
        select(Applicant).where(Applicant.email == "someone@example.org")
    with pytest.raises(EncryptedComparisonError):
        select(Applicant).where(Applicant.display_name.contains("kim"))
    assert db.session.scalars(select(Applicant).where(Applicant.note.is_(None))).all() == []


def test_the_local_key_file_is_ignored_by_git() -> None:
    """instance/ (where the local key is made) is git-ignored, so the key is never committed."""
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        ["git", "check-ignore", "-q", "instance/data_key"], cwd=root, check=False, timeout=30
    )
    assert result.returncode == 0
