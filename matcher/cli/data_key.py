"""`flask data-key …`: move applicants' encrypted fields to a new data key, or check the key.

The new key never comes from a command-line value: shell history and `ps` would show it to
anyone on the machine. It comes from MATCHER_NEW_DATA_KEY, from a file, or is generated here.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from matcher.crypto.keys import (
    ENV_VAR,
    KEY_FILE,
    DataKeyError,
    DataKeys,
    KeySource,
    current_key_source,
    current_keys,
    decode_key,
    derive,
    new_key_text,
    replace_key_file,
    write_key_file,
)
from matcher.extensions import db
from matcher.services.audit import CLI_ACTOR, record_event
from matcher.services.errors import DomainError
from matcher.services.privacy.key_rotation import (
    RotationCounts,
    check_data_key,
    discard_old_copies,
    encrypted_tables,
    is_lock_failure,
    rotate_data_key,
)

NEW_KEY_ENV = "MATCHER_NEW_DATA_KEY"
SHOWN_PROBLEMS = 20
ON_COMMAND_LINE = (
    "The new key must not be given on the command line: shell history and `ps` show it to "
    "anyone on this machine. Treat that key as exposed and do not use it. Put a new key in "
    f"{NEW_KEY_ENV}, or in a file (--new-key-file FILE), or let --generate -o FILE make one."
)
STOP_FIRST = (
    "Stop the service first: every web worker and every job that uses the database. From the "
    "moment the rotation commits, a worker still holding the old key cannot read applicants, and "
    "whatever it writes (a new sign-up, an edit) is stored under the old key, which the service "
    "cannot read once restarted with the new one. Then run again with --service-stopped."
)

data_key_cli = AppGroup(
    "data-key", help="Rotate or check the key that encrypts applicants' personal fields."
)


@dataclass(frozen=True)
class NewKey:
    text: str
    where: str  # how the operator finds it again: "the value of MATCHER_NEW_DATA_KEY", a file


@data_key_cli.command("rotate")
@click.argument("stray", nargs=-1, metavar="")
@click.option(
    "--new-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Read the new key (base64 of 32 bytes) from FILE instead of {NEW_KEY_ENV}.",
)
@click.option(
    "--generate",
    is_flag=True,
    help="Make a new random key and write it to -o FILE (0600, never over an existing file).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --generate: the file for the new key.",
)
@click.option(
    "--update-key-file",
    is_flag=True,
    help=f"The key is instance/{KEY_FILE} (local use): replace it with the new key after the commit.",
)
@click.option(
    "--service-stopped",
    is_flag=True,
    help="Confirm that no worker or job is using the database (required).",
)
@click.option("--new-key", "key_on_command_line", hidden=True)
def rotate(
    stray: tuple[str, ...],
    new_key_file: Path | None,
    generate: bool,
    output: Path | None,
    update_key_file: bool,
    service_stopped: bool,
    key_on_command_line: str | None,
) -> None:
    """Re-encrypt every applicant's personal fields (all semesters) under a new data key.

    One transaction: every value is decrypted with the current key, encrypted with the new one
    and read back with the new key before the commit; any failure changes nothing. The new key
    comes from MATCHER_NEW_DATA_KEY, --new-key-file FILE or --generate -o FILE.

    Stop the service first (then pass --service-stopped) and restart it with the new key.
    Backups made before the rotation open only with the old key. See SECURITY.md.
    """
    if key_on_command_line is not None or stray:
        raise click.UsageError(ON_COMMAND_LINE)
    if not service_stopped:
        raise click.UsageError(STOP_FIRST)
    source = current_key_source()
    if update_key_file and source.path is None:
        raise click.UsageError(
            f"--update-key-file replaces instance/{KEY_FILE}, but this service's key comes from "
            f"{source.name}: put the new key there instead (the command says how at the end)."
        )
    new = _new_key(new_key_file, generate, output, update_key_file)
    old_keys = current_keys()
    try:
        new_keys = derive(decode_key(new.text, new.where[0].upper() + new.where[1:]))
    except DataKeyError as error:
        raise click.ClickException(str(error)) from None
    if new_keys.root == old_keys.root:
        raise click.ClickException(
            f"The new key is the key in use now ({source.name}); rotation needs a different key."
        )

    staged = _stage(source.path, new.text) if update_key_file and source.path else None
    if generate and output is not None:
        _write_new_key(output, new.text, staged)
    counts = _rotate_in_one_transaction(old_keys, new_keys, staged, output if generate else None)
    if staged is not None and source.path is not None:
        _put_key_file_in_place(staged, source.path)
    _report(counts, source, new, updated=staged is not None)
    if not discard_old_copies(db.engine, [t.name for t in encrypted_tables()]):
        click.echo(
            "Warning: old-key ciphertext may remain in the database's free space. With the "
            "service stopped, run: sqlite3 DATABASE 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;' "
            "(PostgreSQL, as the tables' owner: VACUUM FULL applicants;)",
            err=True,
        )


def _put_key_file_in_place(staged: Path, target: Path) -> None:
    try:
        replace_key_file(staged, target)
    except OSError as error:
        raise click.ClickException(
            f"The database is on the new key, but {target} could not be replaced ({error}). "
            f"The new key is in {staged}: move it over {target} before starting the service."
        ) from None


def _new_key(
    new_key_file: Path | None, generate: bool, output: Path | None, update_key_file: bool
) -> NewKey:
    """The new key from exactly one place: MATCHER_NEW_DATA_KEY, --new-key-file, or --generate."""
    from_env = os.environ.get(NEW_KEY_ENV, "").strip()
    given = [
        name
        for name, used in (
            (NEW_KEY_ENV, bool(from_env)),
            ("--new-key-file", new_key_file is not None),
            ("--generate", generate),
        )
        if used
    ]
    if len(given) != 1:
        raise click.UsageError(
            f"Give the new key in exactly one way: {NEW_KEY_ENV}, --new-key-file FILE or "
            f"--generate -o FILE{' (got ' + ', '.join(given) + ')' if given else ''}."
        )
    if output is not None and not generate:
        raise click.UsageError("-o FILE is where --generate writes the key it makes.")
    if generate:
        if output is None and not update_key_file:
            raise click.UsageError(
                "--generate needs -o FILE for the new key (or --update-key-file to keep it in "
                f"instance/{KEY_FILE}): a key that is written nowhere would lock the data away."
            )
        if output is not None and output.exists():
            raise click.UsageError(f"{output} exists; the new key is never written over a file.")
        where = f"the file {output}" if output else f"instance/{KEY_FILE}"
        return NewKey(new_key_text(), where)
    if new_key_file is not None:
        return NewKey(_read_key_file(new_key_file), f"the file {new_key_file}")
    return NewKey(from_env, f"the value of {NEW_KEY_ENV}")


def _read_key_file(path: Path) -> str:
    if path.is_file():
        try:
            return path.read_text()
        except (OSError, UnicodeDecodeError) as error:
            raise click.UsageError(f"--new-key-file: cannot read {path} ({error}).") from None
    with contextlib.suppress(DataKeyError):
        decode_key(str(path), "")
        raise click.UsageError(ON_COMMAND_LINE)  # a key typed where the file name goes
    raise click.UsageError(f"--new-key-file: {path} is not a file.")


def _stage(key_file: Path, key_text: str) -> Path:
    """The new key beside instance/data_key, on disk before the commit makes the data need it."""
    staged = key_file.with_name(KEY_FILE + ".new")
    try:
        write_key_file(staged, key_text)
    except FileExistsError:
        raise click.ClickException(
            f"{staged} exists: an earlier rotation stopped after staging its key. If `flask "
            f"data-key check` fails with the current key, that file holds the key the database "
            "now needs; otherwise delete it, then rotate again."
        ) from None
    return staged


def _write_new_key(output: Path, key_text: str, staged: Path | None) -> None:
    try:
        write_key_file(output, key_text)
    except OSError as error:
        if staged is not None:
            staged.unlink()
        raise click.ClickException(f"Cannot write the new key to {output}: {error}") from None


def _rotate_in_one_transaction(
    old_keys: DataKeys, new_keys: DataKeys, staged: Path | None, generated: Path | None
) -> RotationCounts:
    """Rotate and commit, or roll back and say so: nothing of the new key is in the database."""
    unused = [str(p) for p in (staged, generated) if p is not None]
    try:
        counts = rotate_data_key(old_keys, new_keys, actor=CLI_ACTOR)
    except BaseException as error:
        db.session.rollback()
        if staged is not None:
            staged.unlink()
            unused.remove(str(staged))
        note = f" The new key in {', '.join(unused)} was not used: delete it." if unused else ""
        if isinstance(error, DomainError):
            _record_failure(error.message)
            raise click.ClickException(error.message + note) from None
        if isinstance(error, OperationalError) and is_lock_failure(error):
            raise click.ClickException(
                "Could not lock the applicants for the rotation: another connection is using "
                "the database. Is the service still running? Nothing was changed." + note
            ) from None
        click.echo(f"The rotation failed; nothing was changed.{note}", err=True)
        raise
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        keep = f" Keep the new key ({', '.join(unused)})." if unused else ""
        click.echo(
            "The commit failed, so it is not certain which key the database is on now. Run "
            f"`flask data-key check` with the current key and, if that fails, with "
            f"{ENV_VAR} set to the new one.{keep}",
            err=True,
        )
        raise
    return counts


def _record_failure(reason: str) -> None:
    """The refused attempt goes into the audit trail too (where it failed, never a value)."""
    try:
        record_event(
            "data_key.rotate", actor=CLI_ACTOR, outcome="failed", detail={"reason": reason}
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        click.echo(
            "Warning: the failed rotation could not be recorded in the audit trail.", err=True
        )


def _report(counts: RotationCounts, source: KeySource, new: NewKey, *, updated: bool) -> None:
    click.echo(
        f"Re-encrypted {counts.values} values of {counts.rows} applicants and recomputed "
        f"{counts.email_hashes} email hashes under the new key, all in one transaction; every "
        "value was read back with the new key before the commit."
    )
    click.echo("The database now needs the NEW key. Next steps:")
    if updated:
        click.echo(
            f"  1. {source.name} now holds the new key (the old key is no longer in it). "
            "Restart every worker."
        )
    else:
        click.echo(
            f"  1. Now set {ENV_VAR} to the new key ({new.where}) wherever the service gets it"
            f"{_or_instead(source)} and restart every worker; until then the service cannot read "
            "applicants."
        )
    if new.where == f"the value of {NEW_KEY_ENV}":
        click.echo(f"     Then remove {NEW_KEY_ENV} from the environment.")
    click.echo(
        "  2. Check the service's new key: `flask --app matcher data-key check` must report "
        "every value readable."
    )
    click.echo(
        "  3. Backups made before this rotation open only with the OLD key. Keep the old key "
        "(apart from the database) as long as you keep them; if the old key leaked, take a new "
        "backup now, delete the older ones, then destroy the old key."
    )


def _or_instead(source: KeySource) -> str:
    if source.path is not None:
        return f" (or replace {source.path} with it)"
    if source.name != ENV_VAR:
        return f" (or put it in {source.name})"
    return ""


@data_key_cli.command("check")
def check() -> None:
    """Open every encrypted value with the service's key; list (by id) any that do not open.

    Run it before a rotation, and after restarting with the new key.
    """
    try:
        result = check_data_key(current_keys())
    finally:
        db.session.rollback()
    source = current_key_source().name
    if result.problems:
        for where in result.problems[:SHOWN_PROBLEMS]:
            click.echo(f"Does not match: {where}", err=True)
        if len(result.problems) > SHOWN_PROBLEMS:
            click.echo(f"... and {len(result.problems) - SHOWN_PROBLEMS} more.", err=True)
        raise click.ClickException(
            f"{len(result.problems)} of {result.values} encrypted values (or their email hashes) "
            f"do not match the key from {source}; every value must open before a rotation."
        )
    click.echo(
        f"All {result.values} encrypted values of {result.rows} applicants open with the key "
        f"from {source}, and every email hash matches."
    )
