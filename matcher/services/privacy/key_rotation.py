"""Moving every encrypted value from one data key to another, all in one transaction.

Why one transaction: the service reads applicants with exactly one key. A database left half on
the old key and half on the new one could not be read by either, so rotation either replaces
every value or changes nothing. The tables are locked for writing first (PostgreSQL: EXCLUSIVE,
which still lets plain SELECTs read the old, consistent values; SQLite: the BEGIN IMMEDIATE every
transaction starts with, see :mod:`matcher.database`), and every new value is decrypted with the
new key and compared with what was read before the caller commits.

The encrypted columns are found on the model (every :class:`EncryptedText` column of every
table), so a column encrypted later is rotated too instead of being left on the old key.
Values are read and written as raw text (Core, not the ORM), since the ORM would decrypt them
with the app's key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, bindparam
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from matcher.crypto.fields import DecryptionError, EncryptedText, decrypt, encrypt
from matcher.crypto.keys import DataKeys
from matcher.crypto.lookup import email_hash_under
from matcher.extensions import db
from matcher.models import Base
from matcher.services.audit import record_event
from matcher.services.errors import DomainError
from matcher.services.privacy.purge import wipe_freed_space

# Keyed hashes kept beside an encrypted column: table -> (encrypted column, hash column).
HASHED = {"applicants": ("email", "email_hash")}
ROW_BATCH = 500
LOCK_WAIT = "10s"  # PostgreSQL: give up instead of queueing behind a busy service forever


class RotationError(DomainError):
    """The rotation cannot go ahead or did not verify; the caller rolls back, nothing changed."""


@dataclass(frozen=True)
class EncryptedTable:
    name: str
    columns: dict[str, str]  # database column -> the name its values are bound to (AAD)
    hash_columns: tuple[str, str] | None  # (email column, its keyed-hash column)

    def plain(self) -> sa.TableClause:
        """The table with its encrypted columns as plain text: the ciphertext as stored."""
        extra = self.hash_columns[1:] if self.hash_columns else ()
        return sa.table(
            self.name,
            sa.column("id", sa.Integer),
            *(sa.column(name, sa.Text) for name in (*self.columns, *extra)),
        )

    def where(self, row_id: int, column: str) -> str:
        return f"{self.name} id {row_id}, {column}"


@dataclass(frozen=True)
class RotationCounts:
    rows: int = 0
    values: int = 0
    email_hashes: int = 0

    def __add__(self, other: RotationCounts) -> RotationCounts:
        return RotationCounts(
            self.rows + other.rows,
            self.values + other.values,
            self.email_hashes + other.email_hashes,
        )


def encrypted_tables() -> list[EncryptedTable]:
    """Every table with an EncryptedText column, and those columns."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = {
            column.name: column.type.column_name
            for column in table.columns
            if isinstance(column.type, EncryptedText)
        }
        if columns:
            if [c.name for c in table.primary_key] != ["id"]:
                raise RuntimeError(f"{table.name}: rotation pages through tables by an id key")
            found.append(EncryptedTable(table.name, columns, HASHED.get(table.name)))
    return found


def rotate_data_key(old: DataKeys, new: DataKeys, *, actor: str) -> RotationCounts:
    """Re-encrypt every value under NEW and recompute the keyed hashes; the caller commits.

    Call it at the start of the session's transaction. Any value OLD cannot open stops it
    (RotationError naming the row and column, never the value), and so does a new value that
    does not read back as the old one did: the caller must then roll back.
    """
    if old.root == new.root:
        raise RotationError(
            "The new key is the key the database already uses; a rotation needs a different key."
        )
    tables = encrypted_tables()
    connection = db.session.connection()
    lock_for_rotation(connection, [t.name for t in tables])
    counts = RotationCounts()
    for table in tables:
        written = _reencrypt(connection, table, old, new)
        _verify(connection, table, new, written)
        counts += RotationCounts(
            rows=len(written.digests),
            values=written.values,
            email_hashes=len(written.digests) if table.hash_columns else 0,
        )
    record_event(
        "data_key.rotate",
        actor=actor,
        detail={
            "rows": counts.rows,
            "values": counts.values,
            "email_hashes": counts.email_hashes,
            "tables": [t.name for t in tables],
        },
    )
    return counts


def lock_for_rotation(connection: Connection, tables: Sequence[str]) -> None:
    """Keep every other writer out until the commit, so no value is written under the old key
    between this transaction's read and its commit.

    PostgreSQL: EXCLUSIVE mode blocks INSERT/UPDATE/DELETE and row locks but not plain reads.
    SQLite: nothing to add, the transaction began with BEGIN IMMEDIATE (one writer at a time).
    """
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    quote = connection.dialect.identifier_preparer.quote
    for name in tables:
        connection.exec_driver_sql(f"LOCK TABLE {quote(name)} IN EXCLUSIVE MODE")


def is_lock_failure(error: OperationalError) -> bool:
    """The other side of the lock: a busy service (SQLite's timeout, PostgreSQL's lock_timeout)."""
    return getattr(error.orig, "sqlstate", None) == "55P03" or "database is locked" in str(
        error.orig
    )


@dataclass
class _Written:
    digests: dict[int, bytes]  # row id -> digest of its plaintext, to compare after re-reading
    values: int = 0


def _reencrypt(
    connection: Connection, table: EncryptedTable, old: DataKeys, new: DataKeys
) -> _Written:
    plain = table.plain()
    targets = [*table.columns, *(table.hash_columns[1:] if table.hash_columns else ())]
    update = (
        plain.update()
        .where(plain.c.id == bindparam("row_id"))
        .values({name: bindparam(name) for name in targets})
    )
    written = _Written({})
    for rows in _batches(connection, table):
        changes = []
        for row in rows:
            opened = _open_row(table, row, old, "the current key")
            change: dict[str, object] = {"row_id": row.id}
            for name, value in opened.items():
                if value is not None:
                    change[name] = encrypt(value, table.columns[name], new)
                    written.values += 1
                else:
                    change[name] = None
            if table.hash_columns:
                email, hash_column = table.hash_columns
                change[hash_column] = email_hash_under(new, opened[email])
            written.digests[row.id] = _digest(opened)
            changes.append(change)
        connection.execute(update, changes)
    return written


def _verify(
    connection: Connection, table: EncryptedTable, new: DataKeys, written: _Written
) -> None:
    """Read everything back and open it with the new key: each row as it was, hashes matching."""
    seen = 0
    for rows in _batches(connection, table):
        for row in rows:
            opened = _open_row(table, row, new, "the new key (verification)")
            if written.digests.get(row.id) != _digest(opened):
                raise RotationError(
                    f"Verification failed: {table.name} id {row.id} does not read back as it was."
                )
            if table.hash_columns:
                email, hash_column = table.hash_columns
                if getattr(row, hash_column) != email_hash_under(new, opened[email]):
                    raise RotationError(
                        f"Verification failed: {table.where(row.id, hash_column)} does not match."
                    )
            seen += 1
    if seen != len(written.digests):
        raise RotationError(
            f"Verification failed: {table.name} has {seen} rows, {len(written.digests)} were "
            "re-encrypted."
        )


def _open_row(table: EncryptedTable, row: sa.Row, keys: DataKeys, which: str) -> dict:
    opened, failed = _open_values(table, row, keys)
    if failed:
        raise RotationError(
            f"{table.where(row.id, failed[0])} cannot be decrypted with {which}, so nothing "
            "was changed. Find such values with `flask data-key check`; restore or clear "
            "them, then rotate again."
        )
    return opened


def _open_values(
    table: EncryptedTable, row: sa.Row, keys: DataKeys
) -> tuple[dict[str, str | None], list[str]]:
    """Each encrypted column of ROW opened with KEYS (None stays None), and the columns that failed."""
    opened: dict[str, str | None] = {}
    failed = []
    for name, bound_to in table.columns.items():
        stored = getattr(row, name)
        try:
            opened[name] = None if stored is None else decrypt(stored, bound_to, keys)
        except DecryptionError:
            failed.append(name)
    return opened, failed


def _batches(connection: Connection, table: EncryptedTable) -> Iterator[Sequence[sa.Row]]:
    """All rows in id order, ROW_BATCH at a time (keyset paging: stable while rows change)."""
    plain = table.plain()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(plain).where(plain.c.id > last).order_by(plain.c.id).limit(ROW_BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _digest(opened: dict) -> bytes:
    return hashlib.sha256(repr(sorted(opened.items())).encode("utf-8")).digest()


@dataclass(frozen=True)
class CheckResult:
    rows: int
    values: int
    problems: list[str]  # "applicants id 3, note": where, never what


def check_data_key(keys: DataKeys) -> CheckResult:
    """Open every encrypted value with KEYS and recompute the keyed hashes; report what fails.

    Read-only: for checking the service's key before a rotation, and the new key after it.
    """
    connection = db.session.connection()
    rows = values = 0
    problems: list[str] = []
    for table in encrypted_tables():
        for batch in _batches(connection, table):
            for row in batch:
                rows += 1
                values += sum(getattr(row, name) is not None for name in table.columns)
                opened, failed = _open_values(table, row, keys)
                problems += [table.where(row.id, name) for name in failed]
                if table.hash_columns:
                    email, hash_column = table.hash_columns
                    address = opened.get(email)
                    if address is not None and getattr(row, hash_column) != email_hash_under(
                        keys, address
                    ):
                        problems.append(table.where(row.id, hash_column))
    return CheckResult(rows, values, problems)


def discard_old_copies(engine: Engine, tables: Sequence[str]) -> bool:
    """After the commit: rewrite the stored tables so the old-key ciphertext is not left in them.

    SQLite keeps replaced pages in the WAL and free pages until a checkpoint and VACUUM
    (the purge's wipe does both); PostgreSQL keeps dead row versions until VACUUM, and VACUUM
    FULL writes the table afresh. False if that could not finish (a reader held the SQLite WAL,
    or the database user does not own the table): the values are still only old ciphertext.
    """
    if engine.dialect.name == "sqlite":
        try:
            return wipe_freed_space(engine)
        except engine.dialect.loaded_dbapi.Error:  # VACUUM kept out by another connection
            return False
    if engine.dialect.name != "postgresql":
        return False
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_WAIT}'")
            try:
                for name in tables:
                    connection.exec_driver_sql(f"VACUUM FULL {quote(name)}")
            finally:
                connection.exec_driver_sql("RESET lock_timeout")
    except SQLAlchemyError:
        return False
    return True
