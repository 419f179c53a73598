"""The engine's name for weekly windows; they live in :mod:`matcher.domain.windows`."""

from matcher.domain.windows import (
    DAYS,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    WeeklyWindow,
    WindowSyntaxError,
    format_windows,
    merge_windows,
    parse_windows,
)

__all__ = [
    "DAYS",
    "MINUTES_PER_DAY",
    "MINUTES_PER_WEEK",
    "WeeklyWindow",
    "WindowSyntaxError",
    "format_windows",
    "merge_windows",
    "parse_windows",
]
