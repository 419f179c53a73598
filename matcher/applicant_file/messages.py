"""Quoting a cell's value inside a message without letting it mislead the reader."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

_LONGEST = 40


def shown(value: str) -> str:
    """Quote ``value`` for a message: shortened, with invisible and control characters escaped.

    Messages go to terminals and web pages, so a value must not be able to move the cursor,
    reverse the text direction or hide part of the message.
    """
    text = value if len(value) <= _LONGEST else value[: _LONGEST - 1] + "…"
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def ignored_columns_line(columns: Sequence[str]) -> str:
    """Said with every answer about a file, refusals included, so that a misspelt column (whose
    values were not read) is noticed the first time."""
    names = ", ".join(shown(name) for name in columns)
    return f"Ignored unknown column{'s' if len(columns) != 1 else ''}: {names}."
