"""Secrets made once into instance/ for local use, safely when several workers start at once."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's text; if there is no file yet, ``make()`` is written owner-only (0600) first.

    The new text goes to a private temporary file that is then linked into place: linking
    fails if the name exists, so when workers race, the first link wins, the others read that
    file, and nobody ever reads a half-written one.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
