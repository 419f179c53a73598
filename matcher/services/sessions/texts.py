"""A session's text in the reader's language: day names and "from DATE" said as they say them."""

from __future__ import annotations

import re

from flask_babel import gettext

from matcher.domain.windows import DAYS
from matcher.matching.session_text import moves, session_text
from matcher.matching.sessions import Session

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


def session_text_lines(session: Session, zone: str, partner_zone: str) -> list[str]:
    """The session in ``zone`` (the reader's), one localised line per period."""
    return readable(session_text(session, zone, zone, partner_zone))


def clock_change_lines(session: Session, zone: str) -> list[str]:
    """One sentence per date where a clock change moves the session in ``zone``."""
    return [
        gettext(
            "From %(date)s it starts on %(day)s at %(time)s (before: %(before)s),"
            " because clocks change.",
            date=move.on.isoformat(),
            day=day_name(move.weekday),
            time=move.starts,
            before=move.before,
        )
        for move in moves(session, zone)
    ]
