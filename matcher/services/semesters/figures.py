"""Remember figures derived from a whole semester until its data changes.

The overview and the applicant list show, for every applicant, how many partners pass every
hard rule. Working that out decrypts, parses and compares the whole semester (about 70 ms of
CPU for 300 applicants), and coordinators open those pages again and again while nothing
changed. Each worker keeps the last answer per semester with a fingerprint of what it was
computed from, read from the database in one small query; a change made by any worker or host
changes the fingerprint, so no worker serves a figure from before it.

The fingerprint is counts, id sums, match versions and the newest change time of the rows
the figures depend on. A row changed on a host whose clock runs behind could leave the newest
change time as it was, so an entry is also never used for longer than ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant, ApplicantStatus, Exclusion, Match, Semester
from matcher.services.pairs.engine_input import rematch_from

T = TypeVar("T")
MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 64
EXTENSION_KEY = "lelp_semester_figures"


class FigureCache:
    """Per-process, thread-safe, bounded: (semester, figure) → (fingerprint, time, value)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, str], tuple[Hashable, float, Any]] = OrderedDict()

    def get(self, key: tuple[int, str], fingerprint: Hashable) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            stored, at, value = entry
            if stored != fingerprint or time.monotonic() - at > MAX_AGE_SECONDS:
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            return True, value

    def put(self, key: tuple[int, str], fingerprint: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (fingerprint, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def semester_fingerprint(semester: Semester) -> Hashable:
    """What the semester's figures depend on, in one round trip to the database."""
    applicants = select(
        func.count(), func.coalesce(func.sum(Applicant.id), 0), func.max(Applicant.updated_at)
    ).where(
        Applicant.semester_id == semester.id,
        Applicant.status == ApplicantStatus.APPROVED,  # pending sign-ups change nothing
    )
    matches = select(
        func.count(),
        func.coalesce(func.sum(Match.id), 0),
        func.coalesce(func.sum(Match.version), 0),
    ).where(Match.semester_id == semester.id)
    exclusions = select(func.count(), func.coalesce(func.sum(Exclusion.id), 0)).where(
        Exclusion.semester_id == semester.id
    )
    row = db.session.execute(
        select(
            *(c.scalar_subquery() for c in _columns(applicants)),
            *(c.scalar_subquery() for c in _columns(matches)),
            *(c.scalar_subquery() for c in _columns(exclusions)),
        )
    ).one()
    return (
        semester.status,
        semester.starts_on,
        semester.ends_on,
        semester.session_minutes,
        rematch_from(semester),  # mid-semester, only the weeks from today count
        tuple(str(value) for value in row),
    )


def _columns(query: Any) -> list[Any]:
    """One single-column select per aggregate, so each can be a scalar subquery."""
    return [query.with_only_columns(column) for column in query.selected_columns]


def remembered(semester: Semester, figure: str, compute: Callable[[], T]) -> T:
    """``compute()``, or the value it gave for the same semester data in this worker."""
    cache: FigureCache = current_app.extensions.setdefault(EXTENSION_KEY, FigureCache())
    fingerprint = semester_fingerprint(semester)
    found, value = cache.get((semester.id, figure), fingerprint)
    if found:
        return value
    value = compute()
    cache.put((semester.id, figure), fingerprint, value)
    return value
