"""The contract's rules for each column: one function per column, turning text into a value."""

from __future__ import annotations

import re
import unicodedata

from matcher.applicant_file.messages import shown
from matcher.applicant_file.timezones import canonical_timezone
from matcher.domain import (
    GENDER_PREFERENCES,
    GENDERS,
    GOALS,
    KOREAN_ABILITIES,
    LANGUAGES,
    LEVELS,
    MAX_CAPACITY,
    MAX_EMAIL,
    MAX_NAME,
    MIN_CAPACITY,
    ROLES,
    Role,
)
from matcher.domain.windows import WeeklyWindow, parse_windows

STUDENT = Role.STUDENT
TUTOR = Role.TUTOR
# Unknown words named in one message; the rest are counted.
_NAMED = 5

# Characters that reorder text on screen: a name holding them can disguise itself or the
# text around it in every list and export it appears in.
_BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_NOT_IN_EMAIL = frozenset('<>()[]\\,;:"')


class CellError(ValueError):
    """A cell that breaks its column's rule; the message is shown next to row and column."""


def _words(values: tuple[str, ...]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


def _choice(text: str, allowed: tuple[str, ...], what: str) -> str:
    value = text.strip().lower()
    if not value:
        raise CellError(f"a {what} is required; write {_words(allowed)}")
    if value not in allowed:
        raise CellError(f"{shown(text.strip())} is not a {what}; write {_words(allowed)}")
    return value


def _optional_choice(text: str, allowed: tuple[str, ...], what: str) -> str:
    """An optional choice; empty stays empty (the contract's "no answer")."""
    if not text.strip():
        return ""
    return _choice(text, allowed, what)


def _list(text: str, allowed: tuple[str, ...], what: str) -> frozenset[str]:
    items = [item.strip().lower() for item in text.split(";")]
    items = [item for item in items if item]
    if not items:
        raise CellError(f"at least one {what} is required: {_words(allowed)}, separated by ';'")
    unknown = [item for item in items if item not in allowed]
    if unknown:
        more = f" and {len(unknown) - _NAMED:,} more" if len(unknown) > _NAMED else ""
        raise CellError(
            f"unknown {what} {', '.join(shown(u) for u in unknown[:_NAMED])}{more}; "
            f"choose from {_words(allowed)}, separated by ';'"
        )
    return frozenset(items)


def parse_role(text: str) -> str:
    return _choice(text, ROLES, "role")


def parse_display_name(text: str) -> str:
    """NFC first, so a name typed on a Mac (decomposed Hangul) equals the same name typed elsewhere."""
    name = unicodedata.normalize("NFC", text).strip()
    if not name:
        raise CellError("a display name is required (a pseudonym is fine)")
    if any(char in _BIDI_CONTROLS for char in name):
        raise CellError("the name contains invisible text-direction characters; retype it")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in name):
        raise CellError("the name contains a line break, tab or other control character")
    if len(name) > MAX_NAME:
        raise CellError(f"the name has {len(name)} characters; at most {MAX_NAME} are allowed")
    return name


def parse_email(text: str) -> str:
    """Trimmed and lowercased, because the contract compares emails case-insensitively."""
    email = text.strip().lower()
    if not email:
        raise CellError("an email address is required")
    if (
        len(email) > MAX_EMAIL
        or not _EMAIL.match(email)
        or any(char in _NOT_IN_EMAIL for char in email)
        or any(unicodedata.category(char)[0] in ("C", "Z") for char in email)
    ):
        raise CellError(f"{shown(text.strip())} is not an email address like name@example.org")
    return email


def parse_timezone(text: str) -> str:
    try:
        return canonical_timezone(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def parse_availability(text: str) -> tuple[WeeklyWindow, ...]:
    try:
        return parse_windows(text)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def parse_goals(text: str) -> frozenset[str]:
    return _list(text, GOALS, "goal")


def parse_levels(text: str, role: str | None) -> frozenset[str]:
    """A student has exactly one level; a tutor lists every level they are glad to teach."""
    levels = _list(text, LEVELS, "level")
    if role == STUDENT and len(levels) > 1:
        raise CellError(f"a student has exactly one level: {_words(LEVELS)}")
    return levels


def parse_gender(text: str) -> str:
    return _optional_choice(text, GENDERS, "gender")


def parse_gender_preference(text: str, role: str | None) -> str:
    if text.strip() and role == TUTOR:
        raise CellError("only students give a gender preference; leave it empty for a tutor")
    return _optional_choice(text, GENDER_PREFERENCES, "gender preference")


def parse_korean(text: str) -> str:
    return _optional_choice(text, KOREAN_ABILITIES, "Korean level")


def parse_in_person(text: str) -> bool:
    return _optional_choice(text, ("yes", "no"), "yes/no answer") == "yes"


def parse_capacity(text: str, role: str | None) -> int:
    value = text.strip()
    if not value:
        return 1
    if role == STUDENT:
        if value == "1":
            return 1
        raise CellError("capacity is for tutors only; leave it empty (or 1) for a student")
    if not value.isascii() or not value.isdigit() or not MIN_CAPACITY <= int(value) <= MAX_CAPACITY:
        raise CellError(
            f"{shown(value)} is not a capacity; a tutor takes {MIN_CAPACITY} to {MAX_CAPACITY} students"
        )
    return int(value)


def parse_language(text: str) -> str | None:
    """``ko`` or ``en``; empty is None: the role's default (ApplicantDraft.page_language)."""
    return _optional_choice(text, LANGUAGES, "language") or None


def parse_share_contact(text: str) -> bool:
    """Only an explicit ``yes`` shares the email with the partner; empty means no."""
    return _optional_choice(text, ("yes", "no"), "yes/no answer") == "yes"


def parse_continue_with(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return parse_email(text)
    except CellError as exc:
        raise CellError(f"{exc} (the email of last semester's partner, or empty)") from None
