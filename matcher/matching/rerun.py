"""The difference between a previous plan and a re-run's plan, student by student."""

from __future__ import annotations

from collections.abc import Iterable

from matcher.matching.people import Diff


def plan_diff(previous: Iterable[tuple[str, str]], current: Iterable[tuple[str, str]]) -> Diff:
    """Kept (same pair), changed (student has another tutor), new (student was not paired),
    dropped (student was paired and is not any more, e.g. after withdrawing). Sorted by id."""
    before = dict(previous)
    now = dict(current)
    kept = sorted((s, t) for s, t in now.items() if before.get(s) == t)
    changed = sorted((s, before[s], t) for s, t in now.items() if s in before and before[s] != t)
    new = sorted((s, t) for s, t in now.items() if s not in before)
    dropped = sorted((s, t) for s, t in before.items() if s not in now)
    return Diff(tuple(kept), tuple(changed), tuple(new), tuple(dropped))
