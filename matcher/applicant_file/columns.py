"""The header row: which column holds which contract field, and what is missing or extra."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from matcher.applicant_file.errors import RowError
from matcher.applicant_file.messages import shown

REQUIRED = ("role", "display_name", "email", "timezone", "availability", "goals", "level")
OPTIONAL = (
    "gender",
    "gender_preference",
    "korean",
    "in_person",
    "capacity",
    "continue_with",
    "language",
    "share_contact",
)
COLUMNS = REQUIRED + OPTIONAL
_NOT_A_HEADER = (
    "row 1 must be the header, naming the columns "
    + ", ".join(REQUIRED)
    + " (and optionally "
    + ", ".join(OPTIONAL)
    + "); none of them was found"
)


@dataclass(frozen=True)
class Header:
    """Where each known column is (0-based cell index), plus what the header got wrong."""

    positions: dict[str, int]
    unknown: tuple[str, ...]
    errors: tuple[RowError, ...]


def read_header(cells: tuple[str, ...]) -> Header:
    """Match header cells to contract columns: trimmed, case-insensitive, order free.

    A duplicated column is an error because either copy could be the one the coordinator
    edited; unnamed columns (Excel's empty trailing cells) are ignored without a warning.
    """
    positions: dict[str, int] = {}
    unknown: list[str] = []
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = cell.strip().lower()
        if not name:
            continue
        if name not in COLUMNS:
            unknown.append(cell.strip())
        elif name in positions:
            errors.append(RowError(1, name, f'the column "{name}" appears twice; keep one'))
        else:
            positions[name] = index
    if not positions:
        return Header(positions, tuple(unknown), (RowError(1, None, _NOT_A_HEADER),))
    for name in REQUIRED:
        if name not in positions:
            errors.append(RowError(1, name, _missing(name, unknown)))
    return Header(positions, tuple(unknown), tuple(errors))


def _missing(name: str, unknown: list[str]) -> str:
    message = f'the required column "{name}" is missing'
    folded = {u.lower().replace(" ", "_").replace("-", "_"): u for u in unknown}
    close = difflib.get_close_matches(name, folded, n=1, cutoff=0.75)
    if close:
        message += f" (the file has a column {shown(folded[close[0]])}; rename it to {name})"
    return message
