"""A session's text in the reader's language: day names and "from DATE" said as they say them."""

from __future__ import annotations

import re

from flask_babel import gettext

from matcher.matching.windows import DAYS

_DAY = re.compile(r"\b(" + "|".join(DAYS) + r")\b")
_FROM = re.compile(r"from (\d{4}-\d{2}-\d{2}):")


def day_name(weekday: int) -> str:
    """Monday … Sunday (0 … 6) in the current language."""
    names = (
        gettext("Monday"),
        gettext("Tuesday"),
        gettext("Wednesday"),
        gettext("Thursday"),
        gettext("Friday"),
        gettext("Saturday"),
        gettext("Sunday"),
    )
    return names[weekday]


def readable(text: str) -> list[str]:
    """``Thu 20:00-21:00; from 2027-03-14: Thu 21:00-22:00`` → one line per piece, localised."""
    text = _DAY.sub(lambda m: day_name(DAYS.index(m.group(1))), text or "")
    text = _FROM.sub(lambda m: gettext("from %(date)s:", date=m.group(1)), text)
    return [piece.strip() for piece in text.split(";") if piece.strip()]
