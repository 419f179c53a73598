"""The cheapest weekly schedule of one pair: a shortest path over the weeks of the semester.

Each week offers the cells at which the pair's session can start (inside both people's free
time, and on an edge week only on or after the first day and before the day after the last).
A schedule takes one of them per week; an edge week with no such cell is left out, as the
contract says. Its cost, compared lexicographically, is

1. (alternatives only) the number of weeks not at the anchored wall-clock time;
2. how often the wall-clock time moves for the student plus how often it moves for the tutor
   (a "move" is two consecutive occurrences at different local weekday-and-time), leaving out
   moves into or out of an edge week;
3. the number of occurrences outside the student's evening (18:00-22:00 in their own zone);
4. the moves into or out of an edge week: a semester starting on a Tuesday still has its
   first session in week one when the pair has time then, and a pair whose usual time is on
   Monday has it once at another time rather than a usual time outside the evening;
5. the sum of the student's minutes of the week (Monday 00:00 = 0): the earliest start.

The terms are folded into one integer with weights larger than every lower term can sum to,
so the dynamic programme over (week, start) - a Viterbi pass with the move count on the edges
and the rest on the nodes - finds the exact lexicographic optimum. Ties go to the earliest cell
(``argmin`` takes the first), so the result is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.domain.windows import MINUTES_PER_DAY, MINUTES_PER_WEEK
from matcher.matching.slots import MONDAY_SHIFT, Calendar, zone_clock

EVENING = (18 * 60, 22 * 60)  # the student's evening, local wall-clock minutes of the day


@dataclass(frozen=True)
class WeekOptions:
    """Start cells per week (absolute grid cells) with each start's local minute of the week.

    ``optional[w]`` is true for an edge week that has no start within the semester's days
    before anything else (another pair's session) is taken out: only such a week may be empty.
    """

    cells: tuple[np.ndarray, ...]
    student_minute: tuple[np.ndarray, ...]
    tutor_minute: tuple[np.ndarray, ...]
    optional: tuple[bool, ...]


def week_minutes(cal: Calendar, zone: str, utc: np.ndarray) -> np.ndarray:
    """The local minute of the week (Monday 00:00 = 0) at which each UTC minute falls."""
    clock = zone_clock(zone, *cal.span())
    wall = utc + clock.offset_at(utc)
    return np.asarray((wall + MONDAY_SHIFT) % MINUTES_PER_WEEK, dtype=np.int64)


def week_options(
    cal: Calendar, starts: np.ndarray, student_zone: str, tutor_zone: str, optional: np.ndarray
) -> WeekOptions:
    """Options from a (weeks, cells_per_week) start mask; ``optional`` per week as above."""
    cells, s_min, t_min = [], [], []
    cpw = cal.cells_per_week
    for w in range(cal.weeks):
        c = np.flatnonzero(starts[w]).astype(np.int64) + w * cpw
        utc = cal.origin + c * cal.step
        cells.append(c)
        s_min.append(week_minutes(cal, student_zone, utc))
        t_min.append(week_minutes(cal, tutor_zone, utc))
    return WeekOptions(tuple(cells), tuple(s_min), tuple(t_min), tuple(bool(x) for x in optional))


def _weights(weeks: int) -> tuple[int, int, int, int]:
    edge_move = (weeks + 1) * MINUTES_PER_WEEK
    evening = 5 * edge_move  # at most two edge transitions, two people each
    move = (weeks + 1) * evening
    anchor = (2 * weeks + 1) * move
    return edge_move, evening, move, anchor


def _is_evening(minute_of_week: np.ndarray, session_minutes: int) -> np.ndarray:
    start = minute_of_week % MINUTES_PER_DAY
    return (start >= EVENING[0]) & (start + session_minutes <= EVENING[1])


def cheapest_path(
    options: WeekOptions,
    session_minutes: int,
    anchor: tuple[str, int] | None = None,
) -> list[int] | None:
    """The chosen absolute start cell of each week that has one, in week order.

    ``anchor`` (``("student" | "tutor", minute of the week)``) makes weeks at that person's
    wall-clock time cost far less than any other, for the list of alternatives. ``None`` when
    a week that must hold a session has no start left.
    """
    weeks = len(options.cells)
    edge_w, evening_w, move_w, anchor_w = _weights(weeks)
    cost: np.ndarray | None = None
    prev_s = prev_t = np.zeros(0, dtype=np.int64)
    backs: list[np.ndarray | None] = []
    used: list[int] = []
    for w in range(weeks):
        cells = options.cells[w]
        if len(cells) == 0:
            if options.optional[w] and w in (0, weeks - 1):
                continue
            return None
        s_min, t_min = options.student_minute[w], options.tutor_minute[w]
        unary = s_min + evening_w * ~_is_evening(s_min, session_minutes)
        if anchor is not None:
            mine = s_min if anchor[0] == "student" else t_min
            unary = unary + anchor_w * (mine != anchor[1])
        if cost is None:
            cost, back = unary.astype(np.int64), None
        else:
            moves = (prev_s[:, None] != s_min[None, :]).astype(np.int64) + (
                prev_t[:, None] != t_min[None, :]
            )
            edge = (used[-1] == 0 and len(used) == 1) or w == weeks - 1
            total = cost[:, None] + (edge_w if edge else move_w) * moves
            back = np.argmin(total, axis=0)
            cost = total[back, np.arange(len(cells))] + unary
        backs.append(back)
        used.append(w)
        prev_s, prev_t = s_min, t_min
    if cost is None:
        return []
    i = int(np.argmin(cost))
    chosen: list[int] = []
    for k in range(len(used) - 1, -1, -1):
        chosen.append(int(options.cells[used[k]][i]))
        back = backs[k]
        if back is not None:
            i = int(back[i])
    return chosen[::-1]


def anchors(options: WeekOptions, role: str) -> list[int]:
    """Local minutes of the week (of ``role``'s clock) offered in every week away from the
    edges: the wall-clock times that can stay the same all semester for that person (an edge
    week may differ; the path then takes the best start it has)."""
    minutes = options.student_minute if role == "student" else options.tutor_minute
    weeks = len(minutes)
    common: set[int] | None = None
    for w in range(1, weeks - 1) if weeks > 2 else range(weeks):
        here = {int(x) for x in minutes[w]}
        common = here if common is None else common & here
    return sorted(common or ())
