"""The hard rules as arrays: common session time in every week, gender preference, exclusions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.domain.windows import WeeklyWindow
from matcher.matching.people import Person
from matcher.matching.slots import Calendar, free_cells, valid_starts

_CHUNK = 1024  # availability keys per batch: bounds the int32 scratch arrays to ~50 MB
_TUTOR_BLOCK = 4096  # tutor keys per matrix product: bounds the float32 result


@dataclass(frozen=True)
class Side:
    """One side's availability, deduplicated: people with the same zone and windows share a key.

    ``starts[k]`` holds, for key ``k``, the cells where a session can start (all weeks end to
    end) and ``free[k]`` the cells that are free; ``classes[g][w]`` numbers the distinct week patterns of zone group ``g``, because a
    mask only changes where its zone's clocks do, so a few matrix products cover all weeks.
    """

    key_of_person: np.ndarray  # int64, person index -> key index
    keys: tuple[tuple[str, tuple[WeeklyWindow, ...]], ...]
    starts: np.ndarray  # bool (keys, weeks * cells_per_week)
    free: np.ndarray  # bool (keys, weeks * cells_per_week)
    groups: tuple[np.ndarray, ...]  # key indices per zone
    classes: tuple[tuple[int, ...], ...]  # per group, per week: pattern class
    tail: np.ndarray | None = None  # bool (keys, session_cells): free cells after the last week


def build_side(cal: Calendar, people: Sequence[Person]) -> Side:
    """Compute every distinct availability's start mask and its zone's week classes."""
    index: dict[tuple[str, tuple[WeeklyWindow, ...]], int] = {}
    key_of_person = np.empty(len(people), dtype=np.int64)
    for i, p in enumerate(people):
        key_of_person[i] = index.setdefault((p.timezone, p.windows), len(index))
    keys = tuple(index)
    n_starts = cal.weeks * cal.cells_per_week
    starts = np.zeros((len(keys), n_starts), dtype=bool)
    free_in_weeks = np.zeros((len(keys), n_starts), dtype=bool)
    tail = np.zeros((len(keys), cal.cells - n_starts), dtype=bool)
    by_zone: dict[str, list[int]] = {}
    for k, (zone, _) in enumerate(keys):
        by_zone.setdefault(zone, []).append(k)
    groups, classes = [], []
    for zone in sorted(by_zone):
        members = np.asarray(by_zone[zone], dtype=np.int64)
        for lo in range(0, len(members), _CHUNK):
            chunk = members[lo : lo + _CHUNK]
            free = free_cells(cal, zone, [keys[k][1] for k in chunk])
            starts[chunk] = valid_starts(free, cal)
            free_in_weeks[chunk] = free[:, :n_starts]
            tail[chunk] = free[:, n_starts:]
        shape = (len(members), cal.weeks, cal.cells_per_week)
        weekly, weekly_free = starts[members].reshape(shape), free_in_weeks[members].reshape(shape)
        seen: dict[bytes, int] = {}
        classes.append(
            tuple(
                seen.setdefault(weekly[:, w].tobytes() + weekly_free[:, w].tobytes(), len(seen))
                for w in range(cal.weeks)
            )
        )
        groups.append(members)
    return Side(key_of_person, keys, starts, free_in_weeks, tuple(groups), tuple(classes), tail)


def side_from_free(cal: Calendar, free: np.ndarray) -> Side:
    """A side made of arbitrary free masks over the whole grid (one row per key, one group),
    e.g. a student's availability with one extra hour added."""
    n_starts = cal.weeks * cal.cells_per_week
    starts = np.zeros((len(free), n_starts), dtype=bool)
    for lo in range(0, len(free), _CHUNK):
        starts[lo : lo + _CHUNK] = valid_starts(free[lo : lo + _CHUNK], cal)
    within = free[:, :n_starts]
    shape = (len(free), cal.weeks, cal.cells_per_week)
    weekly, weekly_free = starts.reshape(shape), within.reshape(shape)
    seen: dict[bytes, int] = {}
    classes = tuple(
        seen.setdefault(weekly[:, w].tobytes() + weekly_free[:, w].tobytes(), len(seen))
        for w in range(cal.weeks)
    )
    keys = tuple(("", ()) for _ in range(len(free)))
    members = np.arange(len(free), dtype=np.int64)
    return Side(members, keys, starts, np.ascontiguousarray(within), (members,), (classes,))


def _weekly_product(s_rows: np.ndarray, t_rows: np.ndarray) -> np.ndarray:
    cols = s_rows.any(axis=0) & t_rows.any(axis=0)
    return s_rows[:, cols].astype(np.float32) @ t_rows[:, cols].T.astype(np.float32)


def time_counts(cal: Calendar, students: Side, tutors: Side) -> tuple[np.ndarray, np.ndarray]:
    """For each (student key, tutor key), the fewest over the weeks of (a) common session start
    cells and (b) common free cells.

    (a) = 0 means some week has no common session: the pair is infeasible; (b) measures common
    weekly time for the quality score. Both are products of 0/1 masks, exact in float32 (at
    most 10,080 per week), computed once per distinct combination of the two zones' week
    classes and combined with a minimum across weeks.
    """
    cpw = cal.cells_per_week
    shape = (len(students.keys), len(tutors.keys))
    least_starts = np.zeros(shape, dtype=np.uint16)
    least_free = np.zeros(shape, dtype=np.uint16)
    for s_keys, s_classes in zip(students.groups, students.classes, strict=True):
        for t_keys, t_classes in zip(tutors.groups, tutors.classes, strict=True):
            combos: dict[tuple[int, int], int] = {}
            for w in range(cal.weeks):
                combos.setdefault((s_classes[w], t_classes[w]), w)
            for lo in range(0, len(t_keys), _TUTOR_BLOCK):
                block = t_keys[lo : lo + _TUTOR_BLOCK]
                starts: np.ndarray | None = None
                free: np.ndarray | None = None
                for w in combos.values():
                    week = slice(w * cpw, (w + 1) * cpw)
                    a = _weekly_product(students.starts[s_keys, week], tutors.starts[block, week])
                    starts = a if starts is None else np.minimum(starts, a)
                    if not starts.any():
                        break
                    b = _weekly_product(students.free[s_keys, week], tutors.free[block, week])
                    free = b if free is None else np.minimum(free, b)
                # `free` is set whenever `starts` still has a common start after the loop.
                if starts is not None and free is not None and starts.any():
                    least_starts[np.ix_(s_keys, block)] = starts.astype(np.uint16)
                    least_free[np.ix_(s_keys, block)] = free.astype(np.uint16)
    return least_starts, least_free


def rule_mask(
    students: Sequence[Person], tutors: Sequence[Person], excluded: frozenset[tuple[str, str]]
) -> np.ndarray:
    """Pairs allowed by gender preference and exclusions: bool (students, tutors)."""
    genders = np.array([t.gender or "" for t in tutors], dtype=object)
    allowed = np.ones((len(students), len(tutors)), dtype=bool)
    for pref in {s.gender_preference for s in students if s.gender_preference}:
        rows = np.array([s.gender_preference == pref for s in students])
        allowed[np.ix_(rows, genders != pref)] = False
    if excluded:
        s_pos = {s.id: i for i, s in enumerate(students)}
        t_pos = {t.id: j for j, t in enumerate(tutors)}
        for sid, tid in excluded:
            if sid in s_pos and tid in t_pos:
                allowed[s_pos[sid], t_pos[tid]] = False
    return allowed


def pair_counts(
    cal: Calendar, students: Sequence[Person], tutors: Sequence[Person]
) -> tuple[np.ndarray, np.ndarray, Side, Side]:
    """Session start counts per person pair (students × tutors, uint16), common free cells per
    key pair, and both sides' masks."""
    s_side, t_side = build_side(cal, students), build_side(cal, tutors)
    starts, free = time_counts(cal, s_side, t_side)
    return starts[np.ix_(s_side.key_of_person, t_side.key_of_person)], free, s_side, t_side
