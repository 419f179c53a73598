"""The pure matching engine: availability, feasibility, scoring, solving, explaining."""

from matcher.matching.windows import (
    DAYS,
    MINUTES_PER_WEEK,
    WeeklyWindow,
    WindowSyntaxError,
    format_windows,
    merge_windows,
    parse_windows,
)

__all__ = [
    "DAYS",
    "MINUTES_PER_WEEK",
    "WeeklyWindow",
    "WindowSyntaxError",
    "format_windows",
    "merge_windows",
    "parse_windows",
]
