"""A tutor's weekly windows seen from Seoul, per stretch of the semester between clock changes."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.intake.display import weekly_time
from matcher.intake.grid import windows_from_slots
from matcher.intake.zones import known_zone, offset_periods
from matcher.matching.periods import format_periods, windows_by_period
from matcher.models import Semester

SEOUL = "Asia/Seoul"


def seoul_preview(
    slots: Iterable[str], timezone: str | None, semester: Semester, locale: str
) -> list[str] | None:
    """Readable lines, or None when there is nothing to convert (no times, Seoul, bad zone)."""
    zone = known_zone(timezone or "")
    windows = windows_from_slots(slots or [])
    if zone is None or not windows or zone == SEOUL:
        return None
    periods = windows_by_period(windows, zone, semester.starts_on, semester.ends_on, SEOUL)
    return weekly_time(format_periods(periods), locale)


def preview_data(timezone: str | None, semester: Semester) -> dict[str, object]:
    """What the browser's live preview needs: the zone's offsets during the semester."""
    zone = known_zone(timezone or "")
    if zone is None:
        return {"zone": None, "periods": []}
    return {"zone": zone, "periods": offset_periods(zone, semester.starts_on, semester.ends_on)}
