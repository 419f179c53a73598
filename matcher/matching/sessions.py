"""Each pair's one weekly session, and the other starts its two people may pick (issue 15).

A session is one start per Seoul week of the semester, of the semester's session length,
inside both people's free time as :func:`free_cells` lays it on the real calendar (the same
instants the feasibility test uses), so it is valid in every week by construction. On an edge
week it starts only on or after the first day and before the day after the last; an edge week
with no such start has none. The choice per pair is :func:`cheapest_path` (fewest moves of
either person's wall-clock time, then the student's evening, then the earliest).

A tutor with several students gets sessions that never overlap when their free time allows:
the pairs are placed one after another, each avoiding the cells the sessions already placed
cover, trying every order of the (at most three) pairs and keeping the cheapest complete one.
An agreed session that still fits is kept as it is and placed first. When no order places all
pairs apart, each pair gets its own best session and the pairs that overlap are flagged for a
coordinator (``overlaps``). Trying orders is not a full search over joint schedules; with a
tutor's few pairs and their few starts it finds a separate time whenever each pair's best
start leaves the others one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise, permutations
from zoneinfo import ZoneInfo

import numpy as np

from matcher.domain.windows import WeeklyWindow
from matcher.matching.session_path import WeekOptions, anchors, cheapest_path, week_options
from matcher.matching.slots import (
    SEOUL,
    Calendar,
    free_cells,
    make_calendar,
    seoul_mondays,
    valid_starts,
)

MAX_ALTERNATIVES = 12
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SessionPair:
    """One pair as the session planner sees it; ``fixed`` is a session to keep if it fits."""

    pair_id: str
    tutor_id: str
    student_zone: str
    student_windows: tuple[WeeklyWindow, ...]
    tutor_zone: str
    tutor_windows: tuple[WeeklyWindow, ...]
    fixed: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Session:
    """The weekly session: each occurrence's start in UTC minutes since 1970, in order.

    ``student_moves`` / ``tutor_moves`` count how often that person's local weekday-and-time
    differs from the occurrence before (0: the same wall-clock time all semester).
    """

    starts: tuple[int, ...]
    minutes: int
    student_moves: int = 0
    tutor_moves: int = 0

    @property
    def moves(self) -> int:
        return self.student_moves + self.tutor_moves

    @property
    def key(self) -> str:
        """A short stable name for this exact schedule (for forms and comparisons)."""
        text = f"{self.minutes}:" + ",".join(map(str, self.starts))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def instants(self) -> list[datetime]:
        """Occurrence starts as aware UTC datetimes."""
        return [_EPOCH + timedelta(minutes=m) for m in self.starts]


@dataclass(frozen=True)
class SessionPlan:
    """What the planner says about one pair.

    ``session`` is ``None`` when the pair has no common start in some week that must hold one
    (a pair made by hand against the rules): a coordinator sets its time. ``overlaps`` names the
    same tutor's other pairs whose session overlaps this one in some week.
    """

    pair_id: str
    session: Session | None
    alternatives: tuple[Session, ...] = ()
    overlaps: tuple[str, ...] = field(default_factory=tuple)


def _seoul_minute(day: date) -> int:
    moment = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(SEOUL))
    return int((moment - _EPOCH).total_seconds() // 60)


class _Group:
    """One tutor's pairs on one grid, with each pair's start mask within the semester's days."""

    def __init__(
        self, pairs: Sequence[SessionPair], first_day: date, last_day: date, minutes: int
    ) -> None:
        zones = {p.student_zone for p in pairs} | {p.tutor_zone for p in pairs}
        windows = [w for p in pairs for w in (*p.student_windows, *p.tutor_windows)]
        self.cal: Calendar = make_calendar(
            seoul_mondays(first_day, last_day), zones, windows, minutes
        )
        cal = self.cal
        n = cal.weeks * cal.cells_per_week
        utc = cal.origin + np.arange(n, dtype=np.int64) * cal.step
        in_days = (utc >= _seoul_minute(first_day)) & (
            utc < _seoul_minute(last_day + timedelta(days=1))
        )
        self.pairs = list(pairs)
        self.masks: dict[str, np.ndarray] = {}
        for p in pairs:
            free = free_cells(cal, p.student_zone, [p.student_windows])[0]
            free &= free_cells(cal, p.tutor_zone, [p.tutor_windows])[0]
            starts = valid_starts(free[None, :], cal)[0] & in_days
            self.masks[p.pair_id] = starts.reshape(cal.weeks, cal.cells_per_week)

    def options(self, pair: SessionPair, blocked: np.ndarray | None = None) -> WeekOptions:
        mask = self.masks[pair.pair_id]
        optional = np.asarray(~mask.any(axis=1), dtype=bool)
        if blocked is not None:
            mask = mask & ~blocked.reshape(mask.shape)
        return week_options(self.cal, mask, pair.student_zone, pair.tutor_zone, optional)

    def session(self, options: WeekOptions, cells: list[int]) -> Session:
        cal = self.cal
        where = {int(c): i for w in range(cal.weeks) for i, c in enumerate(options.cells[w])}
        s_min, t_min = [], []
        for c in cells:
            w, i = c // cal.cells_per_week, where[c]
            s_min.append(int(options.student_minute[w][i]))
            t_min.append(int(options.tutor_minute[w][i]))
        return Session(
            tuple(cal.origin + c * cal.step for c in cells),
            cal.session_minutes,
            sum(a != b for a, b in pairwise(s_min)),
            sum(a != b for a, b in pairwise(t_min)),
        )

    def cover(self, session: Session) -> np.ndarray:
        """Start cells that would overlap ``session`` (flat over the weeks)."""
        cal = self.cal
        k = cal.session_cells
        blocked = np.zeros(cal.weeks * cal.cells_per_week, dtype=bool)
        for s in session.starts:
            c = (s - cal.origin) // cal.step
            blocked[max(0, c - k + 1) : c + k] = True
        return blocked

    def fits(self, pair: SessionPair, starts: tuple[int, ...]) -> bool:
        """Whether a stored session is still one valid start in every week that needs one."""
        cal = self.cal
        mask = self.masks[pair.pair_id]
        seen = np.zeros(cal.weeks, dtype=np.int64)
        for s in starts:
            c, rem = divmod(s - cal.origin, cal.step)
            w = c // cal.cells_per_week
            if rem or not 0 <= w < cal.weeks or not mask.ravel()[c]:
                return False
            seen[w] += 1
        return bool(np.all(seen == mask.any(axis=1)))


def _place(group: _Group, order: Sequence[SessionPair], taken: np.ndarray) -> list[Session] | None:
    placed = []
    blocked = taken.copy()
    for pair in order:
        options = group.options(pair, blocked)
        cells = cheapest_path(options, group.cal.session_minutes)
        if cells is None:
            return None
        session = group.session(options, cells)
        placed.append(session)
        blocked |= group.cover(session)
    return placed


def _alternatives(group: _Group, pair: SessionPair, blocked: np.ndarray | None) -> list[Session]:
    options = group.options(pair, blocked)
    found: dict[tuple[int, ...], Session] = {}
    for role in ("student", "tutor"):
        for minute in anchors(options, role):
            cells = cheapest_path(options, group.cal.session_minutes, (role, minute))
            if cells:
                s = group.session(options, cells)
                found.setdefault(s.starts, s)
    ranked = sorted(found.values(), key=lambda s: (s.moves, s.starts))
    return ranked[:MAX_ALTERNATIVES]


def _overlapping(sessions: Mapping[str, Session | None], minutes: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {pid: set() for pid in sessions}
    items = [(pid, s) for pid, s in sessions.items() if s is not None]
    for i, (a, sa) in enumerate(items):
        for b, sb in items[i + 1 :]:
            starts_b = np.asarray(sb.starts, dtype=np.int64)
            for start in sa.starts:
                if np.any(np.abs(starts_b - start) < minutes):
                    out[a].add(b)
                    out[b].add(a)
                    break
    return out


def _plan_group(
    pairs: Sequence[SessionPair],
    first_day: date,
    last_day: date,
    minutes: int,
    with_alternatives: bool = True,
) -> list[SessionPlan]:
    group = _Group(pairs, first_day, last_day, minutes)
    n = group.cal.weeks * group.cal.cells_per_week
    chosen: dict[str, Session | None] = {}
    taken = np.zeros(n, dtype=bool)
    for p in pairs:
        if p.fixed and group.fits(p, p.fixed):
            options = group.options(p)
            kept = group.session(
                options, [(s - group.cal.origin) // group.cal.step for s in p.fixed]
            )
            chosen[p.pair_id] = kept
            taken |= group.cover(kept)
        elif cheapest_path(group.options(p), minutes) is None:
            chosen[p.pair_id] = None  # no common start in some week: a coordinator sets one
    free = [p for p in pairs if p.pair_id not in chosen]
    best: list[Session] | None = None
    for order in permutations(free):
        placed = _place(group, order, taken)
        if placed is not None and (
            best is None or sum(s.moves for s in placed) < sum(s.moves for s in best)
        ):
            best = [placed[order.index(p)] for p in free]
    for i, p in enumerate(free):
        if best is not None:
            chosen[p.pair_id] = best[i]
        else:
            options = group.options(p)
            path = cheapest_path(options, minutes)
            chosen[p.pair_id] = None if path is None else group.session(options, path)
    overlaps = _overlapping(chosen, minutes)
    plans = []
    for p in pairs:
        others = np.zeros(n, dtype=bool)
        for q in pairs:
            other = chosen[q.pair_id]
            if q.pair_id != p.pair_id and other is not None and not overlaps[q.pair_id]:
                others |= group.cover(other)
        own = chosen[p.pair_id]
        alternatives: list[Session] = []
        if with_alternatives:
            alternatives = _alternatives(group, p, others) or _alternatives(group, p, None)
        if own is not None and own.starts not in {a.starts for a in alternatives}:
            alternatives = [own, *alternatives][:MAX_ALTERNATIVES]
        plans.append(
            SessionPlan(p.pair_id, own, tuple(alternatives), tuple(sorted(overlaps[p.pair_id])))
        )
    return plans


def plan_sessions(
    pairs: Iterable[SessionPair],
    first_day: date,
    last_day: date,
    session_minutes: int,
    with_alternatives: bool = True,
) -> dict[str, SessionPlan]:
    """Every pair's session and alternatives, pairs of the same tutor planned together.

    Without alternatives (storing proposals for a whole semester) only the sessions are
    computed, which is several times faster.
    """
    by_tutor: dict[str, list[SessionPair]] = {}
    for p in pairs:
        by_tutor.setdefault(p.tutor_id, []).append(p)
    out: dict[str, SessionPlan] = {}
    for tutor_id in sorted(by_tutor):
        group = sorted(by_tutor[tutor_id], key=lambda p: p.pair_id)
        for plan in _plan_group(group, first_day, last_day, session_minutes, with_alternatives):
            out[plan.pair_id] = plan
    return out
