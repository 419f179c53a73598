"""The data key (environment or instance file, never the database or git) and the keys derived from it.

Why the keys live in ``app.extensions`` and are read through ``current_app``: the column type
that encrypts (:mod:`matcher.crypto.fields`) runs deep inside SQLAlchemy, where no app is passed
in. Importing a global app there would create an import cycle and pin one app per process; a
plain module-level holder would be set by whichever app was built last, so a test (or a script)
holding two apps with different keys would silently encrypt one app's rows with the other's key.
Keeping the keys per app and reaching them through the app context gives each app its own key
and fails loudly outside an app context, where the application never touches applicants anyway.
Alembic runs inside the same app context (``flask db upgrade``), so migrations read the same key.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, has_app_context

from matcher.config import ConfigError
from matcher.instance_files import read_or_create

ENV_VAR = "MATCHER_DATA_KEY"
KEY_FILE = "data_key"
KEY_BYTES = 32
EXTENSION = "data_keys"
SOURCE_EXTENSION = "data_key_source"
# HKDF labels: one root key, separate keys for encryption and for the email look-up hash, so a
# leak of one use never helps with the other. Changing a label makes every stored value unreadable.
CIPHER_LABEL = b"lelp-match applicant fields v1"
EMAIL_HASH_LABEL = b"lelp-match email lookup v1"


class DataKeyError(ConfigError):
    """No usable data key: the service refuses to start (or to touch personal fields)."""


@dataclass(frozen=True)
class DataKeys:
    root: bytes = field(repr=False)
    cipher: AESGCM = field(repr=False)
    email_hash_key: bytes = field(repr=False)


def derive(root: bytes) -> DataKeys:
    if len(root) != KEY_BYTES:
        raise DataKeyError(f"The data key must be {KEY_BYTES} bytes.")
    return DataKeys(
        root=root,
        cipher=AESGCM(_hkdf(root, CIPHER_LABEL)),
        email_hash_key=_hkdf(root, EMAIL_HASH_LABEL),
    )


def _hkdf(root: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(root)


def decode_key(text: str, source: str) -> bytes:
    """Standard or URL-safe base64 of exactly 32 bytes; the error names the source, never the key."""
    cleaned = text.strip()
    try:
        raw = base64.b64decode(cleaned.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise DataKeyError(
            f"{source} is not base64 (make one with: openssl rand -base64 32)."
        ) from None
    if len(raw) != KEY_BYTES:
        raise DataKeyError(f"{source} must be base64 of {KEY_BYTES} bytes, not {len(raw)}.")
    return raw


def new_key_text() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


@dataclass(frozen=True)
class KeySource:
    """Where this app's data key came from: a rotation must tell the operator what to replace."""

    name: str  # MATCHER_DATA_KEY, the DATA_KEY setting, or the key file's path
    path: Path | None = None  # set only for the instance key file, the one a command may rewrite


def write_key_file(path: Path, key_text: str) -> None:
    """Create PATH owner-only (0600) holding the key, on disk before returning; never overwrite.

    Exclusive creation, so a key that may still be needed is never replaced by accident, and
    fsync of the file and its folder, so a key that the database is about to depend on survives
    a crash of the machine.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (key_text.strip() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    _sync_folder(path.parent)


def replace_key_file(staged: Path, target: Path) -> None:
    """Rename STAGED over TARGET in one step (same folder), so a reader sees the old or the new key."""
    os.replace(staged, target)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def local_data_key(instance_path: str) -> bytes:
    """A key made once into instance/data_key (owner-only, git-ignored) for local use."""
    path = Path(instance_path) / KEY_FILE
    return decode_key(read_or_create(path, new_key_text), f"The key file {path}")


def locate_data_key(config: Any, instance_path: str) -> tuple[bytes, KeySource]:
    """MATCHER_DATA_KEY, else (outside production) a DATA_KEY config value or the instance file;
    with where it came from."""
    env_key = os.environ.get(ENV_VAR, "").strip()
    if env_key:
        return decode_key(env_key, ENV_VAR), KeySource(ENV_VAR)
    if config.get("ENV_NAME") == "production":
        raise DataKeyError(
            f"Production needs {ENV_VAR} in the environment (base64 of {KEY_BYTES} random bytes, "
            "e.g. from `openssl rand -base64 32`), kept outside the database and its backups."
        )
    if config.get("DATA_KEY"):
        source = KeySource("the DATA_KEY setting")
        return decode_key(config["DATA_KEY"], "The DATA_KEY setting"), source
    path = Path(instance_path) / KEY_FILE
    return local_data_key(instance_path), KeySource(str(path), path)


def install_data_keys(app: Flask) -> None:
    root, source = locate_data_key(app.config, app.instance_path)
    app.extensions[EXTENSION] = derive(root)
    app.extensions[SOURCE_EXTENSION] = source


def current_key_source() -> KeySource:
    """Where the running app's key came from, so a command can say what to change after a rotation."""
    return current_app.extensions[SOURCE_EXTENSION]


def current_keys() -> DataKeys:
    if not has_app_context():
        raise DataKeyError("Personal fields can only be read or written inside an app context.")
    try:
        return current_app.extensions[EXTENSION]
    except KeyError:
        raise DataKeyError(
            "This app was built without a data key (create_app installs it)."
        ) from None
