"""Time zones for the forms: the list people pick from, and a zone's UTC offsets over a semester."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Old aliases stay valid answers (browsers still report some, e.g. "Asia/Calcutta"), but the
# list people scroll through shows only the current "Area/City" names.
_HIDDEN_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(
        sorted(
            z
            for z in available_timezones()
            if "/" in z and not z.startswith(_HIDDEN_PREFIXES) and z != "localtime"
        )
    )


@cache
def _by_folded_name() -> dict[str, str]:
    return {z.casefold(): z for z in available_timezones() if z != "localtime"}


def known_zone(text: str) -> str | None:
    """The IANA name ``text`` means, forgiving letter case and spaces for underscores."""
    return _by_folded_name().get(text.strip().replace(" ", "_").casefold())


def offset_periods(zone: str, first_day: date, last_day: date) -> list[dict[str, object]]:
    """A zone's UTC offset (minutes east) from the week of ``first_day`` on, and each change.

    The browser's live preview uses this to show a tutor's windows in Seoul time per stretch of
    the semester; the authoritative conversion is the engine's, rendered on the server.
    """
    info = ZoneInfo(zone)
    day = first_day - timedelta(days=first_day.weekday())
    periods: list[dict[str, object]] = []
    while day <= last_day:
        offset = datetime.combine(day, time(12), info).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        if not periods or periods[-1]["offset"] != minutes:
            periods.append({"from": day.isoformat(), "offset": minutes})
        day += timedelta(days=1)
    return periods
