"""Quoting a cell's value inside a message without letting it mislead the reader."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from matcher.applicant_file.errors import RowError

_LONGEST = 40
# No single message names more rows than this; the rest are counted.
LISTED_ROWS = 10
# Any listing of a file's problems (terminal or page) shows this many in full, then counts the rest.
SHOWN_PROBLEMS = 50
# A message quotes cells; however long the cell, the message stays readable (and small).
LONGEST_MESSAGE = 300


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


def listed_rows(numbers: Sequence[int]) -> str:
    """``2, 3 and 9``; past :data:`LISTED_ROWS` rows, the first ones and ``and 19,990 more``."""
    words = [str(n) for n in numbers[:LISTED_ROWS]]
    if len(numbers) > LISTED_ROWS:
        return ", ".join(words) + f" and {len(numbers) - LISTED_ROWS:,} more"
    return ", ".join(words[:-1]) + " and " + words[-1]


def clamped(message: str) -> str:
    """``message`` cut to :data:`LONGEST_MESSAGE` characters, with control characters escaped.

    The last guard for messages built from cells by code that does not quote through
    :func:`shown` (the availability parser quotes whole pieces of a cell).
    """
    text = message if len(message) <= LONGEST_MESSAGE else message[: LONGEST_MESSAGE - 1] + "…"
    if text.isprintable():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char
        for char in text
    )


def first_problems(errors: Sequence[RowError], limit: int = SHOWN_PROBLEMS) -> list[str]:
    """The first ``limit`` problems, one line each, then one line counting the rest.

    A refusal is read by a person, so it stays short whatever the file: with 20,000 bad rows
    the terminal and the page show the first problems and how many more there are.
    """
    lines = [str(error) for error in errors[:limit]]
    rest = errors[limit:]
    if rest:
        rows = len({error.row for error in rest})
        lines.append(
            f"… and {len(rest):,} more problem{'s' if len(rest) != 1 else ''} "
            f"in {rows:,} row{'s' if rows != 1 else ''}."
        )
    return lines
