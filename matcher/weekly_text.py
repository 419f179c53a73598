"""Stored weekly times as readable lines in Korean or English (private pages and emails)."""

from __future__ import annotations

import re

from matcher.domain.windows import DAYS

_KO_DAYS = dict(zip(DAYS, ("월", "화", "수", "목", "금", "토", "일"), strict=True))
_EN_DAYS = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
_DAY = re.compile(r"\b(" + "|".join(DAYS) + r")\b")
_FROM = re.compile(r"from (\d{4}-\d{2}-\d{2}):")


def weekly_time(text: str, locale: str) -> list[str]:
    """``Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00`` → one readable line per piece."""
    names = _KO_DAYS if locale == "ko" else _EN_DAYS
    text = _DAY.sub(lambda m: names[m.group(1)], text or "")
    if locale == "ko":
        text = _FROM.sub(lambda m: f"{m.group(1)}부터:", text)
    else:
        text = _FROM.sub(lambda m: f"from {m.group(1)}:", text)
    return [piece.strip() for piece in text.split(";") if piece.strip()]
