"""A checked, id-sorted view of a problem with its calendar and feasibility arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from matcher.domain import GENDER_PREFERENCES, MAX_CAPACITY, MIN_CAPACITY
from matcher.domain.windows import WeeklyWindow
from matcher.matching.feasibility import Side, pair_counts, rule_mask
from matcher.matching.people import MatchingProblem, Person
from matcher.matching.scoring import criterion_values, score_points
from matcher.matching.slots import Calendar, free_cells, make_calendar, seoul_mondays, valid_starts


def check_people(problem: MatchingProblem) -> None:
    """Refuse input the contract forbids, with a message naming the person."""
    for role, people in (("student", problem.students), ("tutor", problem.tutors)):
        ids = [p.id for p in people]
        if len(set(ids)) != len(ids):
            raise ValueError(f"the same {role} id appears twice")
        for p in people:
            if p.role != role:
                raise ValueError(f"{p.id}: listed as a {role} but has role {str(p.role)!r}")
            if not p.windows:
                raise ValueError(f"{p.id}: no availability windows")
            if role == "student" and len(p.levels) != 1:
                raise ValueError(f"{p.id}: a student has exactly one level")
            if role == "tutor" and not MIN_CAPACITY <= p.capacity <= MAX_CAPACITY:
                raise ValueError(f"{p.id}: a tutor's capacity is {MIN_CAPACITY} to {MAX_CAPACITY}")
            if p.gender_preference not in (None, "", *GENDER_PREFERENCES):
                raise ValueError(f"{p.id}: gender preference must be female, male or empty")


def problem_calendar(problem: MatchingProblem, session_minutes: int | None = None) -> Calendar:
    people = (*problem.students, *problem.tutors)
    return make_calendar(
        seoul_mondays(problem.first_day, problem.last_day, problem.first_week),
        [p.timezone for p in people],
        [w for p in people for w in p.windows],
        session_minutes or problem.session_minutes,
    )


@dataclass
class Context:
    """Students and tutors sorted by id (determinism), with per-pair feasibility arrays.

    ``counts[i, j]`` is the fewest common session start cells over the weeks (0: the time rule
    fails); ``allowed[i, j]`` is the gender preference and exclusion rules.
    """

    problem: MatchingProblem
    students: tuple[Person, ...]
    tutors: tuple[Person, ...]
    cal: Calendar
    counts: np.ndarray
    allowed: np.ndarray
    common_keys: np.ndarray  # fewest common free cells in a week, per (student, tutor) key
    student_side: Side
    tutor_side: Side
    _free: dict[tuple[str, tuple[WeeklyWindow, ...]], np.ndarray] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def feasible(self) -> np.ndarray:
        feasible: np.ndarray = (self.counts > 0) & self.allowed
        return feasible

    @cached_property
    def student_pos(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.students)}

    @cached_property
    def tutor_pos(self) -> dict[str, int]:
        return {t.id: j for j, t in enumerate(self.tutors)}

    def student_index(self, student_id: str) -> int:
        if student_id not in self.student_pos:
            raise KeyError(f"no student with id {student_id!r}")
        return self.student_pos[student_id]

    def tutor_index(self, tutor_id: str) -> int:
        if tutor_id not in self.tutor_pos:
            raise KeyError(f"no tutor with id {tutor_id!r}")
        return self.tutor_pos[tutor_id]

    def common_minutes(self, si: np.ndarray, ti: np.ndarray) -> np.ndarray:
        """Common free minutes in the tightest week for the pairs (students[si], tutors[ti])."""
        s_keys = self.student_side.key_of_person[si]
        t_keys = self.tutor_side.key_of_person[ti]
        minutes: np.ndarray = self.common_keys[s_keys, t_keys].astype(np.int64) * self.cal.step
        return minutes

    def values(self, si: np.ndarray, ti: np.ndarray) -> dict[str, np.ndarray]:
        """Quality criterion values for the pairs (students[si], tutors[ti])."""
        si, ti = np.asarray(si, dtype=np.int64), np.asarray(ti, dtype=np.int64)
        return criterion_values(
            self.students,
            self.tutors,
            si,
            ti,
            self.common_minutes(si, ti),
            self.problem.session_minutes,
            self.problem.weights,
        )

    def student_free(self, i: int) -> np.ndarray:
        """Student ``i``'s free cells over the semester's weeks."""
        cells: np.ndarray = self.student_side.free[self.student_side.key_of_person[i]]
        return cells

    def tutor_free(self, j: int) -> np.ndarray:
        """Tutor ``j``'s free cells over the semester's weeks."""
        cells: np.ndarray = self.tutor_side.free[self.tutor_side.key_of_person[j]]
        return cells

    def points(self, si: np.ndarray, ti: np.ndarray, chunk: int = 1_000_000) -> np.ndarray:
        """Scores in hundredths for many pairs, in chunks to bound memory."""
        out = np.empty(len(si), dtype=np.int64)
        for lo in range(0, len(si), chunk):
            part = slice(lo, lo + chunk)
            out[part] = score_points(self.values(si[part], ti[part]), self.problem.weights)
        return out

    def free(self, person: Person) -> np.ndarray:
        """The person's free cells over the whole grid (cached by zone and windows)."""
        key = (person.timezone, person.windows)
        if key not in self._free:
            self._free[key] = free_cells(self.cal, person.timezone, [person.windows])[0]
        return self._free[key]

    def weekly_starts(self, person: Person) -> np.ndarray:
        """Session start cells per week: bool (weeks, cells_per_week)."""
        starts = valid_starts(self.free(person)[None, :], self.cal)[0]
        weekly: np.ndarray = starts.reshape(self.cal.weeks, self.cal.cells_per_week)
        return weekly

    def monday(self, week: int) -> date:
        return self.cal.mondays[week]


def prepare(
    problem: MatchingProblem,
    students: Sequence[Person] | None = None,
    session_minutes: int | None = None,
) -> Context:
    """Sort, check and compute feasibility (optionally for a subset of students only)."""
    check_people(problem)
    chosen = problem.students if students is None else students
    ss = tuple(sorted(chosen, key=lambda p: p.id))
    ts = tuple(sorted(problem.tutors, key=lambda p: p.id))
    cal = problem_calendar(problem, session_minutes)
    counts, common, s_side, t_side = pair_counts(cal, ss, ts)
    allowed = rule_mask(ss, ts, problem.excluded)
    return Context(problem, ss, ts, cal, counts, allowed, common, s_side, t_side)
