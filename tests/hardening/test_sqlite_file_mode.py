"""The SQLite database and its WAL are owner-only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from matcher.extensions import db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def wide_umask():
    old = os.umask(0o022)  # the usual default: new files 0644
    yield
    os.umask(old)


def test_a_new_database_file_and_its_wal_are_0600(make_app, tmp_path, wide_umask) -> None:
    path = tmp_path / "fresh.sqlite3"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.session.execute(db.text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
        db.session.commit()
        assert mode(path) == 0o600
        wal = Path(f"{path}-wal")
        assert wal.exists() and mode(wal) == 0o600
        db.session.remove()
        db.engine.dispose()


def test_an_existing_file_with_wider_rights_is_narrowed(make_app, tmp_path, wide_umask) -> None:
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        assert mode(path) == 0o600
        db.session.remove()
        db.engine.dispose()
