"""The pure matching engine: availability, feasibility, scoring, solving, explaining."""

from matcher.domain.windows import (
    DAYS,
    MINUTES_PER_WEEK,
    WeeklyWindow,
    WindowSyntaxError,
    format_windows,
    merge_windows,
    parse_windows,
)
from matcher.matching.explain import (
    REASONS,
    Alternative,
    PairExplanation,
    explain_pair,
    top_alternatives,
)
from matcher.matching.overview import feasible_counts
from matcher.matching.people import (
    Diff,
    Help,
    MatchedPair,
    MatchingProblem,
    Person,
    Plan,
    Statistics,
    Unmatched,
    Weights,
)
from matcher.matching.periods import format_periods, windows_by_period
from matcher.matching.planning import propose_matches

__all__ = [
    "DAYS",
    "MINUTES_PER_WEEK",
    "REASONS",
    "Alternative",
    "Diff",
    "Help",
    "MatchedPair",
    "MatchingProblem",
    "PairExplanation",
    "Person",
    "Plan",
    "Statistics",
    "Unmatched",
    "WeeklyWindow",
    "Weights",
    "WindowSyntaxError",
    "explain_pair",
    "feasible_counts",
    "format_periods",
    "format_windows",
    "merge_windows",
    "parse_windows",
    "propose_matches",
    "top_alternatives",
    "windows_by_period",
]
