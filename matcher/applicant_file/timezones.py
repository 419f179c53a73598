"""Recognising IANA time zone names, with hints for the abbreviations people write instead."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from matcher.applicant_file.messages import shown

# Abbreviations are ambiguous and ignore daylight saving, so they are never accepted; they
# only suggest the zone the person most likely meant.
_ABBREVIATIONS = {
    "kst": "Asia/Seoul",
    "jst": "Asia/Tokyo",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "bst": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}
_OFFSET = re.compile(r"^(utc|gmt)?\s*[+\-−]\s*\d{1,2}(:?\d{2})?$", re.IGNORECASE)
_EXAMPLES = 'such as "Asia/Seoul", "America/New_York" or "Europe/London"'


class UnknownTimezoneError(ValueError):
    """A timezone cell that names no IANA zone; the message says what to write instead."""


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


@cache
def _zones_by_city() -> dict[str, str]:
    cities: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name:
            cities.setdefault(name.rsplit("/", 1)[1].casefold(), name)
    return cities


def canonical_timezone(text: str) -> str:
    """Return the IANA name for ``text``, correcting only its letter case.

    Case is forgiven (``asia/seoul``) because the meaning is unambiguous; abbreviations, city
    names and fixed offsets are refused (with a suggestion) because they are ambiguous or cannot
    follow daylight saving.
    """
    value = text.strip()
    if not value:
        raise UnknownTimezoneError(f"a time zone is required, {_EXAMPLES}")
    found = _zones_by_folded_name().get(value.casefold())
    if found is not None:
        return found
    guess = _ABBREVIATIONS.get(value.casefold())
    if guess is not None:
        raise UnknownTimezoneError(
            f"{shown(value)} is an abbreviation, not a time zone name: write the place's zone, "
            f'for example "{guess}"'
        )
    if _OFFSET.match(value):
        raise UnknownTimezoneError(
            f"{shown(value)} is a fixed offset, which ignores daylight saving: write the "
            f"place's zone, {_EXAMPLES}"
        )
    city = _zones_by_city().get(value.replace(" ", "_").casefold())
    if city is not None:
        raise UnknownTimezoneError(
            f'{shown(value)} is not a time zone name: did you mean "{city}"?'
        )
    raise UnknownTimezoneError(
        f"{shown(value)} is not a known time zone; write an IANA name {_EXAMPLES}"
    )
