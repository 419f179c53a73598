"""What would help an unmatched student: clock changes to know about, shorter sessions, an hour."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.domain.windows import WeeklyWindow, format_windows
from matcher.matching.context import Context, problem_calendar
from matcher.matching.explain import clock_changes_between
from matcher.matching.feasibility import _weekly_product, build_side, time_counts
from matcher.matching.people import Help, Unmatched
from matcher.matching.slots import Calendar, free_cells, valid_starts

SHORT_SESSION = 45
HOURS = 168
_ROWS = 1024  # masks per valid_starts batch: bounds its int32 scratch array


@dataclass(frozen=True)
class _Group:
    """One tutor zone: the weeks that look alike to the analysed students (a "combo" of their
    pattern and the zone's), and per combo whether each (student, tutor) shares a session."""

    tutors: np.ndarray  # tutor person indices
    combo: np.ndarray  # (weeks,) combo index of each week
    reps: tuple[int, ...]  # a representative week per combo
    ok: np.ndarray  # bool (students, tutors, combos)


# One kind of (student, hour) cell: its code per week class, its hours, its bool (students, 168)
# mask, and its cells as (student, hour, column in the hours) arrays.
_Kind = tuple[dict[int, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _ids(chunks: list[bytes]) -> np.ndarray:
    seen: dict[bytes, int] = {}
    return np.array([seen.setdefault(c, len(seen)) for c in chunks], dtype=np.int64)


def _week_classes(cal: Calendar, starts: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    cpw = cal.cells_per_week
    return _ids(
        [
            starts[:, w * cpw : (w + 1) * cpw].tobytes()
            + (b"" if extra is None else extra[:, w].tobytes())
            for w in range(cal.weeks)
        ]
    )


def _groups(
    cal: Calendar,
    s_starts: np.ndarray,
    s_class: np.ndarray,
    t_starts: np.ndarray,
    key_of_person: np.ndarray,
    groups: Sequence[np.ndarray],
    classes: Sequence[tuple[int, ...]],
    known: np.ndarray | None = None,
) -> list[_Group]:
    """Common session starts week by week, once per combo of week classes.

    All tutor zones needing the same week share one matrix product. A zone whose weeks all
    look alike takes ``known`` (time-feasible in every week, students × tutors) if given.
    """
    cpw = cal.cells_per_week
    out: list[_Group] = []
    # week -> (tutor keys, their columns, the ok array to fill, its combo index)
    todo: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]] = {}
    for keys, t_class in zip(groups, classes, strict=True):
        pairs = list(zip(s_class.tolist(), t_class, strict=True))
        combos: dict[tuple[int, int], int] = {}
        combo = np.array([combos.setdefault(p, len(combos)) for p in pairs], dtype=np.int64)
        reps = tuple(pairs.index(p) for p in combos)
        persons = np.flatnonzero(np.isin(key_of_person, keys))
        ok = np.empty((len(s_starts), len(persons), len(reps)), dtype=bool)
        if known is not None and len(reps) == 1:
            ok[:, :, 0] = known[:, persons]
        else:
            col = np.searchsorted(keys, key_of_person[persons])
            for q, w in enumerate(reps):
                todo.setdefault(w, []).append((keys, col, ok, q))
        out.append(_Group(persons, combo, reps, ok))
    for w, parts in todo.items():
        week = slice(w * cpw, (w + 1) * cpw)
        s_rows = s_starts[:, week]
        t_keys = np.concatenate([keys for keys, *_ in parts])
        product = _weekly_product(s_rows, t_starts[t_keys, week]) > 0
        at = 0
        for keys, col, ok, q in parts:
            ok[:, :, q] = product[:, at + col]
            at += len(keys)
    return out


def _starts(cal: Calendar, free: np.ndarray) -> np.ndarray:
    """Session start cells (as :func:`valid_starts`), by shifted ANDs: cheaper for short sessions."""
    n, k = cal.weeks * cal.cells_per_week, cal.session_cells
    if k > 8:
        out = np.empty((len(free), n), dtype=bool)
        for lo in range(0, len(free), _ROWS):
            out[lo : lo + _ROWS] = valid_starts(free[lo : lo + _ROWS], cal)
        return out
    out = free[:, :n].copy()
    for m in range(1, k):
        out &= free[:, m : m + n]
    return out


def _dst_detail(ctx: Context, rows: list[int], groups: list[_Group]) -> dict[int, str]:
    """For students with no tutor in every week: tutors lost only in some weeks, and why."""
    out = {}
    for n, i in enumerate(rows):
        ok = np.zeros((len(ctx.tutors), ctx.cal.weeks), dtype=bool)
        for g in groups:
            ok[g.tutors] = g.ok[n][:, g.combo]
        ok &= ctx.allowed[i][:, None]
        partial = ok.any(axis=1) & ~ok.all(axis=1)
        if not partial.any():
            continue
        bad_weeks = np.flatnonzero((~ok[partial]).any(axis=0)).tolist()
        zones = {ctx.students[i].timezone} | {
            ctx.tutors[j].timezone for j in np.flatnonzero(partial)
        }
        flips = [w for w in range(1, ctx.cal.weeks) if (ok[partial, w] != ok[partial, w - 1]).any()]
        changes = clock_changes_between(ctx, sorted(zones), flips)[:3]
        days = ", ".join(ctx.monday(w).isoformat() for w in bad_weeks[:6])
        more = " …" if len(bad_weeks) > 6 else ""
        cause = f" ({'; '.join(changes)})" if changes else ""
        out[i] = (
            f"{int(partial.sum())} tutor(s) share a full session in some weeks but not in the "
            f"weeks of {days}{more}{cause}."
        )
    return out


def _short_session_counts(ctx: Context, rows: list[int], free: np.ndarray) -> np.ndarray:
    """Tutors (allowed by the other rules) sharing a 45-minute session in every week.

    The 45-minute grid refines the session's grid, so everyone's free cells are the same cells
    split in ``ratio``; only the start masks are recomputed.
    """
    if ctx.cal.step == 30 and ctx.cal.session_minutes == 60:
        # Common time is whole half hours: 45 minutes in it always cover two of them.
        tutors: np.ndarray = ctx.feasible[rows].sum(axis=1)
        return tutors
    cal, side = problem_calendar(ctx.problem, SHORT_SESSION), ctx.tutor_side
    if ctx.cal.step % cal.step or ctx.cal.session_minutes < SHORT_SESSION:
        students = [ctx.students[i] for i in rows]
        s_side, t_side = build_side(cal, students), build_side(cal, ctx.tutors)
        counts = time_counts(cal, s_side, t_side)[0]
        counts = counts[np.ix_(s_side.key_of_person, t_side.key_of_person)]
        timed: np.ndarray = ((counts > 0) & ctx.allowed[rows]).sum(axis=1)
        return timed
    ratio = ctx.cal.step // cal.step
    t_free = np.concatenate([side.free, side.tail], axis=1)
    if ratio > 1:
        t_free, free = np.repeat(t_free, ratio, axis=1), np.repeat(free, ratio, axis=1)
    t_starts, s_starts = _starts(cal, t_free[:, : cal.cells]), _starts(cal, free[:, : cal.cells])
    classes = [tuple(_week_classes(cal, t_starts[keys]).tolist()) for keys in side.groups]
    s_class = _week_classes(cal, s_starts)
    fits = ctx.allowed[rows].copy()
    for g in _groups(cal, s_starts, s_class, t_starts, side.key_of_person, side.groups, classes):
        fits[:, g.tutors] &= g.ok.all(axis=2)
    fitting: np.ndarray = fits.sum(axis=1)
    return fitting


def _hour_intervals(cal: Calendar, free: np.ndarray) -> np.ndarray:
    """The session starts a student gets by adding Seoul hour ``h``, per week and hour, coded.

    They lie among the ``r = per_hour + k - 1`` cells from ``k - 1`` before the hour (``k``:
    session cells); position ``t`` is start ``w * cpw + (h * per_hour + t - k + 1) mod cpw``,
    so positions before Monday 00:00 wrap to the week's end and come from the next week's
    hour (Seoul keeps one offset: the hour is the same cells every week). A start needs the
    student free on its cells outside the hour, so each occurrence gives one interval
    ``[k - 1 - a, per_hour - 1 + b]`` of positions, ``a`` and ``b`` being the free runs just
    before and after the hour (capped at ``k - 1``). The code packs a week's two intervals.
    """
    k, ph, cpw, weeks = cal.session_cells, 60 // cal.step, cal.cells_per_week, cal.weeks
    r, n = ph + k - 1, len(free)
    prefix = np.zeros((n, cal.cells + 1), dtype=np.int32)
    np.cumsum(free, axis=1, out=prefix[:, 1:])
    h0 = (np.arange(weeks + 1)[:, None] * cpw + np.arange(HOURS)[None, :] * ph).ravel()
    a: np.ndarray = np.zeros((n, len(h0)), dtype=np.int64)
    b: np.ndarray = np.zeros((n, len(h0)), dtype=np.int64)
    for m in range(1, k):
        lo, hi = h0 - m, h0 + ph + m
        a += (
            (prefix[:, np.clip(h0, 0, cal.cells)] - prefix[:, np.clip(lo, 0, cal.cells)]) == m
        ) & (lo >= 0)
        top = np.clip(hi, 0, cal.cells)
        b += ((prefix[:, top] - prefix[:, np.clip(h0 + ph, 0, cal.cells)]) == m) & (hi <= cal.cells)
    a, b = a.reshape(n, weeks + 1, HOURS), b.reshape(n, weeks + 1, HOURS)
    first = np.maximum(0, k - 1 - np.arange(HOURS) * ph)  # positions before it wrap
    lo1 = np.maximum(first, k - 1 - a[:, :weeks])
    hi1 = np.minimum(r - 1, ph - 1 + b[:, :weeks])
    lo2 = k - 1 - a[:, 1:]
    hi2 = np.minimum(first - 1, ph - 1 + b[:, 1:])
    e1, e2 = lo1 > hi1, lo2 > hi2
    lo1[e1], hi1[e1], lo2[e2], hi2[e2] = 0, -1, 0, -1
    base = r + 1
    codes: np.ndarray = ((lo1 * base + hi1 + 1) * base + lo2) * base + hi2 + 1
    return codes


def _hits(cal: Calendar, starts: np.ndarray, keys: np.ndarray, week: int) -> np.ndarray:
    """Per tutor and hour: running count of starts over the r positions: (tutors, 168, r+1)."""
    k, ph, cpw = cal.session_cells, 60 // cal.step, cal.cells_per_week
    t = np.arange(ph + k - 1)
    cells = week * cpw + (np.arange(HOURS)[:, None] * ph + t[None, :] - k + 1) % cpw
    out = np.zeros((len(keys), HOURS, len(t) + 1), dtype=np.int16)
    np.cumsum(starts[keys[:, None, None], cells[None]], axis=2, out=out[:, :, 1:])
    return out


def _hit(
    running: np.ndarray, cols: np.ndarray, hours: np.ndarray, code: int, base: int
) -> np.ndarray:
    """Whether each tutor (``cols``) can start in the coded intervals at each of ``hours``."""
    code, hi2 = divmod(code, base)
    code, lo2 = divmod(code, base)
    lo1, hi1 = divmod(code, base)
    c, h = cols[:, None], hours[None, :]
    out: np.ndarray = running[c, h, hi1] > running[c, h, lo1]
    if hi2 > lo2:
        out |= running[c, h, hi2] > running[c, h, lo2]
    return out


def _kinds(codes: np.ndarray, weeks: tuple[int, ...]) -> list[tuple[list[int], np.ndarray]]:
    """Group the (student, hour) cells by their codes in the given weeks: per distinct tuple of
    codes, the codes and a bool (students, 168) mask of where it occurs."""
    ids = [np.unique(codes[:, w], return_inverse=True) for w in weeks]
    joint = np.zeros(codes.shape[0] * HOURS, dtype=np.int64)
    for values, inverse in ids:
        joint = joint * len(values) + inverse.ravel()
    kinds, inverse = np.unique(joint, return_inverse=True)
    inverse = inverse.reshape(codes.shape[0], HOURS)
    out = []
    for n, kind in enumerate(kinds.tolist()):
        tup = []
        for values, _ in reversed(ids):
            kind, at = divmod(kind, len(values))
            tup.append(int(values[at]))
        out.append((tup[::-1], inverse == n))
    return out


def _layout(codes: np.ndarray, weeks: tuple[int, ...], classes: tuple[int, ...]) -> list[_Kind]:
    """The kinds of (student, hour) cells, most common first, each with its hours and cells
    as (student, hour, column in the hours) arrays."""
    out = []
    for kind, sel in sorted(_kinds(codes, weeks), key=lambda ks: -int(ks[1].sum())):
        hours = np.flatnonzero(sel.any(axis=0))
        si, hi = np.nonzero(sel)
        rank = np.cumsum(sel.any(axis=0)) - 1
        out.append((dict(zip(classes, kind, strict=True)), hours, sel, si, hi, rank[hi]))
    return out


def _extra_hour_counts(ctx: Context, rows: list[int], free: np.ndarray) -> np.ndarray:
    """Tutors each Seoul hour would open, per student: int (students, 168).

    A tutor opens when the rules allow the pair, it fails some week today, and in every such
    week the tutor can start a session at one of the starts the hour gives. Students and weeks
    with the same starts share work; the tutor sum is a matrix product per pattern.
    """
    cal, side = ctx.cal, ctx.tutor_side
    codes = _hour_intervals(cal, free)
    base = 60 // cal.step + cal.session_cells
    s_starts = ctx.student_side.starts[ctx.student_side.key_of_person[rows]]
    s_class = _week_classes(cal, s_starts, codes)
    first_week = {c: w for w, c in reversed(list(enumerate(s_class.tolist())))}
    known = ctx.counts[rows] > 0
    groups = _groups(
        cal, s_starts, s_class, side.starts, side.key_of_person, side.groups, side.classes, known
    )
    cand_all = ctx.allowed[rows] & ~ctx.feasible[rows]
    opened = np.zeros((len(rows), HOURS), dtype=np.float32)
    layouts: dict[tuple[int, ...], list[_Kind]] = {}
    joint: dict[
        tuple[int, ...], tuple[list[np.ndarray], list[np.ndarray]]
    ] = {}  # most common kind: summed at the end
    for g in groups:
        blocked = np.zeros(g.ok.shape[:2], dtype=np.int64)
        for q in range(len(g.reps)):
            blocked |= (~g.ok[:, :, q]).astype(np.int64) << q
        blocked[~cand_all[:, g.tutors]] = 0
        keys = side.key_of_person[g.tutors]
        running = [_hits(cal, side.starts, keys, w) for w in g.reps]
        present = np.flatnonzero(np.bincount(blocked.ravel(), minlength=2))
        for pattern in present[present > 0].tolist():
            qs = [q for q in range(len(g.reps)) if pattern >> q & 1]
            mine = blocked == pattern
            cols = np.flatnonzero(mine.any(axis=0))
            classes = tuple(sorted({int(s_class[g.reps[q]]) for q in qs}))
            if classes not in layouts:
                layouts[classes] = _layout(codes, tuple(first_week[c] for c in classes), classes)
            weight = mine[:, cols]
            for n, (kind, hours, _, si, hi, at) in enumerate(layouts[classes]):
                fit = np.ones((len(cols), len(hours)), dtype=bool)
                for q in qs:
                    fit &= _hit(running[q], cols, hours, kind[int(s_class[g.reps[q]])], base)
                if n == 0:  # most cells: one matrix product over all zones and patterns
                    weights, fits = joint.setdefault(classes, ([], []))
                    weights.append(weight)
                    fits.append(fit)
                else:  # the few cells next to a student's windows: one sum each
                    opened[si, hi] += (weight[si] & fit[:, at].T).sum(axis=1)
    for classes, (weights, fits) in joint.items():
        _, hours, sel, *_ = layouts[classes][0]
        total = np.concatenate(weights, axis=1).astype(np.float32) @ np.concatenate(fits).astype(
            np.float32
        )
        opened[:, hours] += np.where(sel[:, hours], total, 0)
    return np.rint(opened).astype(np.int64)


def add_help(ctx: Context, unmatched: list[Unmatched]) -> list[Unmatched]:
    """Attach clock-change details and "what would help" to every unmatched student."""
    rows = [ctx.student_index(u.person_id) for u in unmatched if u.role == "student"]
    if not rows:
        return unmatched
    pos = {i: n for n, i in enumerate(rows)}
    free = np.zeros((len(rows), ctx.cal.cells), dtype=bool)
    keys = [(ctx.students[i].timezone, ctx.students[i].windows) for i in rows]
    for zone in sorted({z for z, _ in keys}):
        mine = [n for n, (z, _) in enumerate(keys) if z == zone]
        free[mine] = free_cells(ctx.cal, zone, [keys[n][1] for n in mine])
    no_time = [
        ctx.student_index(u.person_id)
        for u in unmatched
        if u.role == "student" and u.reason == "no_common_time"
    ]
    details = {}
    if no_time:
        side = ctx.tutor_side
        s_starts = ctx.student_side.starts[ctx.student_side.key_of_person[no_time]]
        s_class = _week_classes(ctx.cal, s_starts)
        groups = _groups(
            ctx.cal,
            s_starts,
            s_class,
            side.starts,
            side.key_of_person,
            side.groups,
            side.classes,
            ctx.counts[no_time] > 0,
        )
        details = _dst_detail(ctx, no_time, groups)
    short = _short_session_counts(ctx, rows, free).tolist()
    opened = _extra_hour_counts(ctx, rows, free)
    best = opened.argmax(axis=1)  # the first maximum: the earliest hour of the week
    out = []
    for u in unmatched:
        if u.role != "student":
            out.append(u)
            continue
        i = ctx.student_index(u.person_id)
        n = pos[i]
        h, count = int(best[n]), int(opened[n, best[n]])
        label = format_windows([WeeklyWindow(h * 60, 60)]) if count > 0 else None
        help_ = Help(short[n], label, count)
        out.append(dataclasses.replace(u, help=help_, detail=details.get(i, u.detail)))
    return out
