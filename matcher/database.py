"""Engine set-up per database: SQLite gets WAL, foreign keys, a busy timeout and immediate writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Every SQLite transaction starts with BEGIN IMMEDIATE.

    SQLite's default deferred transactions take the write lock only at the first write; two
    requests that both read and then write would make one of them fail with "database is
    locked" however long the busy timeout. Starting immediately serialises writers instead,
    which is also what makes a tutor-capacity check race-free on SQLite. The driver's own
    transaction handling is switched off so that SQLAlchemy's BEGIN is the only one.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
