"""The engine's inputs and outputs: plain frozen dataclasses, no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from matcher.domain import Profile, Role


@dataclass(frozen=True)
class Person(Profile):
    """One approved applicant as the engine sees them: their :class:`Profile` and an id.

    ``id`` replaces the name and email, so the engine never holds contact details.
    ``continue_with`` is the *person id* of last semester's partner (callers resolve emails).
    Every profile field is keyword-only: ``Person("s1", role="student", timezone=..., ...)``.
    """

    id: str
    continue_with: str | None = None


def person_from(profile: Profile, person_id: str, continue_with: str | None = None) -> Person:
    """The engine's view of a draft (or any profile): the same answers under an id."""
    answers = {f.name: getattr(profile, f.name) for f in fields(Profile)}
    return Person(person_id, continue_with=continue_with, **answers)


@dataclass(frozen=True)
class Weights:
    """Weights of the quality criteria (contract objective 3); a pair's score is their sum.

    Each criterion is a value in [0, 1] times its weight. Defaults, and why:

    - ``shared_goals`` = 3: share of the student's goals the tutor is glad to help with (the
      main reason a pairing works).
    - ``level_fit`` = 3: 1 when the student's level is among the tutor's levels.
    - ``korean_help`` = 2: 1 when a *beginner* student gets a tutor with basic or fluent Korean.
    - ``in_person`` = 1: 1 when both can meet in Seoul (hiking day, speech contest).
    - ``continue_pair`` = 5: 1 when both asked to continue with each other; continuity is
      valued, so it outweighs any single other criterion.
    - ``common_time`` = 1: common weekly time beyond the session length, measured in the tightest
      week as minutes of possible start times, scaled so that ``common_time_cap_minutes`` (120)
      or more gives 1.

    Scores are rounded to 0.01 before solving, so the solver optimises exactly the scores shown.
    """

    shared_goals: float = 3.0
    level_fit: float = 3.0
    korean_help: float = 2.0
    in_person: float = 1.0
    continue_pair: float = 5.0
    common_time: float = 1.0
    common_time_cap_minutes: int = 120

    def __post_init__(self) -> None:
        # Negative weights would make "no pair" better than a pair on quality alone.
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"weight {name} must not be negative")


@dataclass(frozen=True)
class MatchingProblem:
    """Everything one matching run needs. Dates are Seoul dates; pairs are (student, tutor)."""

    students: tuple[Person, ...]
    tutors: tuple[Person, ...]
    first_day: date
    last_day: date
    session_minutes: int = 60
    weights: Weights = field(default_factory=Weights)
    first_week: date | None = None
    locked: frozenset[tuple[str, str]] = frozenset()
    excluded: frozenset[tuple[str, str]] = frozenset()
    previous: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True)
class MatchedPair:
    """One proposed (or locked) pair with everything a coordinator needs to judge it."""

    student_id: str
    tutor_id: str
    score: float
    breakdown: dict[str, float]
    shared_goals: tuple[str, ...]
    windows_seoul: str
    windows_student_local: str
    windows_tutor_local: str
    locked: bool = False
    feasible: bool = True


@dataclass(frozen=True)
class Help:
    """What would help an unmatched student: a shorter session, or one more weekly hour."""

    tutors_with_45_minutes: int
    extra_hour_seoul: str | None
    tutors_opened_by_extra_hour: int


@dataclass(frozen=True)
class Unmatched:
    """A person left without a partner, with a reason code from a fixed list and its text."""

    person_id: str
    role: Role
    reason: str
    text: str
    feasible_count: int
    help: Help | None = None
    detail: str = ""  # e.g. the clock changes that break otherwise fitting tutors


@dataclass(frozen=True)
class Diff:
    """How a re-run's plan differs from the previous plan, student by student."""

    kept: tuple[tuple[str, str], ...]
    changed: tuple[tuple[str, str, str], ...]  # (student, previous tutor, new tutor)
    new: tuple[tuple[str, str], ...]
    dropped: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Statistics:
    """Run statistics; ``max_possible`` comes from an independent maximum-matching check."""

    students: int
    tutors: int
    tutor_slots: int
    weeks: int
    feasible_pairs: int
    matched: int
    max_possible: int
    locked: int
    previous_kept: int
    total_quality: float
    solver: str
    timings: dict[str, float]


@dataclass(frozen=True)
class Plan:
    """The result of :func:`propose_matches`."""

    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[Unmatched, ...]
    statistics: Statistics
    diff: Diff | None = None
