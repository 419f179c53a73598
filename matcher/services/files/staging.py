"""Uploads waiting between preview and confirm: owner-only files that never outlive the hour.

A staged upload holds names and emails, so it is deleted when it is imported, when the
coordinator cancels, and at the latest an hour after it was uploaded: every upload, confirm,
cancel and visit of the upload page sweeps the folder, and so does `flask purge` (which can run
from cron while nobody uses the dashboard).
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

STAGED_SECONDS = 3600
FOLDER = "imports"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def staging_folder(instance_path: str | os.PathLike[str]) -> Path:
    folder = Path(instance_path) / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep_staged(
    instance_path: str | os.PathLike[str], *, now: float | None = None, dry_run: bool = False
) -> int:
    """Delete (or, for a dry run, count) staged uploads older than :data:`STAGED_SECONDS`."""
    folder = Path(instance_path) / FOLDER
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - STAGED_SECONDS
    expired = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                if not dry_run:
                    path.unlink()
                expired += 1
        except FileNotFoundError:
            continue  # another request swept it first
    return expired


def stage(instance_path: str | os.PathLike[str], data: bytes) -> str:
    """Keep ``data`` until confirm or cancel; the returned token names it (and is the only key)."""
    sweep_staged(instance_path)
    token = secrets.token_urlsafe(24)
    path = staging_folder(instance_path) / token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    return token


def take_staged(instance_path: str | os.PathLike[str], token: str) -> bytes | None:
    """The staged bytes, deleted as they are read (an upload is imported at most once).

    None for an unknown token, one already used or cancelled, or one older than the hour.
    """
    sweep_staged(instance_path)
    if not _TOKEN.match(token):
        return None
    path = Path(instance_path) / FOLDER / token
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return data


def discard_staged(instance_path: str | os.PathLike[str], token: str) -> None:
    """Delete one staged upload now (cancel), sweeping the expired ones with it."""
    sweep_staged(instance_path)
    if _TOKEN.match(token):
        (Path(instance_path) / FOLDER / token).unlink(missing_ok=True)
