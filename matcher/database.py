"""Engine set-up per database: SQLite gets WAL, foreign keys, a busy timeout and write locks
taken only by transactions that write.

SQLite has one writer at a time. A transaction that begins deferred (plain BEGIN) takes the
write lock at its first write, and if another writer committed since it first read, that
upgrade fails at once with "database is locked" whatever the busy timeout. A transaction that
begins IMMEDIATE waits its turn for the lock instead, then holds it until it ends. So:

- a request that only reads (GET, HEAD, OPTIONS) begins deferred and never takes the lock:
  in WAL mode a reader neither waits for a writer nor blocks one, so a public page keeps
  answering while a coordinator imports or matches;
- any other request, a CLI command and a test begin IMMEDIATE, which serialises writers and is
  what makes a capacity check race-free on SQLite (PostgreSQL locks the tutor's row instead);
- a view that does long work before it writes (parsing an upload, solving a matching run) is
  marked with :func:`reads_first`: it begins deferred, and the service calls
  :func:`begin_writing` once the long work is done. That ends the read-only transaction and
  begins an IMMEDIATE one; the service then checks that nothing it read changed meanwhile and
  writes quickly. The lock is held for the write, not for the parse or the solve.

The driver's own transaction handling is switched off so that the BEGIN chosen here is the
only one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from matcher.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

READ = "BEGIN"
WRITE = "BEGIN IMMEDIATE"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHOSEN = "matcher.sqlite_begin"  # key in the request's environ (or g outside a request)
_BEGUN = "matcher.sqlite_begun"  # key in the connection's info: (statement, total_changes)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name == "sqlite":
        owner_only_file(engine.url.database)
        _configure_sqlite(engine, busy_timeout_ms)


def owner_only_file(database: str | None) -> None:
    """The SQLite file holds everyone's (encrypted) data and the audit trail: owner-only (0600).

    SQLite would create it with the process umask (0644 usually); created here first, it is
    0600 from its first byte, and SQLite gives its -wal and -shm files the same mode. A file
    made earlier with wider rights is narrowed.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:  # no such folder, read-only place: SQLite itself reports it on connect
        return
    else:
        os.close(fd)


def reads_first(view: F) -> F:
    """Mark a view whose transaction begins read-only; its service calls begin_writing()."""
    view.reads_first = True  # type: ignore[attr-defined]  # a marker on the function object
    return view


def read_first() -> None:
    """The next transaction begins read-only: for a CLI command that parses or solves before
    it writes (a view says so with @reads_first); its service then calls begin_writing()."""
    _choose(READ)


def begin_writing() -> None:
    """From here on this unit of work writes: on SQLite, trade a read-only transaction for an
    IMMEDIATE one (waiting for the write lock). Objects loaded before are expired and reload.

    A no-op on PostgreSQL, in a transaction that already began IMMEDIATE, and in one that has
    already written or holds unflushed changes (it holds the lock, or will at its next flush;
    nothing is ever thrown away).
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    _choose(WRITE)
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    statement, changes = connection.info.get(_BEGUN, (WRITE, 0))
    if statement == WRITE or _total_changes(connection) != changes:
        return
    session.rollback()


def database_answers() -> bool:
    """Whether one trivial query gets an answer (the health check). A failure is logged by its
    kind only: a driver's message can name the host and user."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.error(
            "Health check: the database did not answer (%s).", type(error).__name__
        )
        return False
    finally:
        db.session.rollback()
    return True


def _choose(statement: str) -> None:
    """The BEGIN of the next transaction (only the next: later ones choose afresh)."""
    if has_request_context():
        request.environ[_CHOSEN] = statement
    elif has_app_context():
        setattr(g, _CHOSEN, statement)


def _begin_statement() -> str:
    """READ or WRITE for the transaction about to begin (see the module docstring)."""
    if has_request_context():
        chosen = request.environ.pop(_CHOSEN, None)  # a choice holds for one transaction
        if chosen:
            return str(chosen)
        view = current_app.view_functions.get(request.endpoint or "")
        if request.method in SAFE_METHODS or getattr(view, "reads_first", False):
            return READ
        return WRITE
    if has_app_context():
        return str(g.pop(_CHOSEN, WRITE))
    return WRITE


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
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
        statement = _begin_statement()
        connection.exec_driver_sql(statement)
        connection.info[_BEGUN] = (statement, _total_changes(connection))


def _total_changes(connection: Any) -> int:
    """Rows this SQLite connection has changed since it opened: unchanged means "not written"."""
    return int(connection.connection.dbapi_connection.total_changes)
