"""What would help an unmatched student: clock changes to know about, shorter sessions, an hour."""

from __future__ import annotations

import dataclasses

import numpy as np

from matcher.matching.context import Context, problem_calendar
from matcher.matching.explain import clock_changes_between
from matcher.matching.feasibility import build_side, side_from_free, time_counts
from matcher.matching.people import Help, Unmatched
from matcher.matching.slots import free_cells
from matcher.matching.windows import WeeklyWindow, format_windows

HELP_LIMIT = 25  # unmatched students whose extra-hour search runs (168 variants each)
SHORT_SESSION = 45


def _weekly_partial(ctx: Context, rows: list[int]) -> np.ndarray:
    """Per student row and tutor: which weeks have a common session: bool (rows, tutors, weeks)."""
    cal, side = ctx.cal, ctx.tutor_side
    cpw = cal.cells_per_week
    s_starts = ctx.student_side.starts[ctx.student_side.key_of_person[rows]]
    out = np.zeros((len(rows), len(side.keys), cal.weeks), dtype=bool)
    for w in range(cal.weeks):
        s_w = s_starts[:, w * cpw : (w + 1) * cpw].astype(np.float32)
        t_w = side.starts[:, w * cpw : (w + 1) * cpw].astype(np.float32)
        out[:, :, w] = (s_w @ t_w.T) > 0
    return out[:, side.key_of_person, :]


def _dst_detail(ctx: Context, rows: list[int]) -> dict[int, str]:
    """For students with no tutor in every week: tutors lost only in some weeks, and why."""
    if not rows:
        return {}
    weekly = _weekly_partial(ctx, rows)
    out = {}
    for n, i in enumerate(rows):
        ok = weekly[n] & ctx.allowed[i][:, None]
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


def _short_session_counts(ctx: Context, rows: list[int]) -> np.ndarray:
    cal = problem_calendar(ctx.problem, SHORT_SESSION)
    students = [ctx.students[i] for i in rows]
    s_side, t_side = build_side(cal, students), build_side(cal, ctx.tutors)
    counts = time_counts(cal, s_side, t_side)[0][np.ix_(s_side.key_of_person, t_side.key_of_person)]
    return ((counts > 0) & ctx.allowed[rows]).sum(axis=1)


def _best_extra_hours(ctx: Context, rows: list[int]) -> dict[int, tuple[str | None, int]]:
    """For each student row: the Seoul hour of the week that, added to their availability,
    opens the most tutors (earliest such hour on ties), and how many it opens.

    Seoul keeps one offset, so a Seoul hour is the same cells every week: each (student, hour)
    variant is the student's free mask OR that hour's cells, all checked in one batch.
    """
    out: dict[int, tuple[str | None, int]] = dict.fromkeys(rows, (None, 0))
    if not rows:
        return out
    cal = ctx.cal
    per_hour, cpw = 60 // cal.step, cal.cells_per_week
    hour_cells = np.zeros((168, cal.cells), dtype=bool)
    for h in range(168):
        for w in range(cal.weeks + 1):
            lo = w * cpw + h * per_hour
            hour_cells[h, lo : lo + per_hour] = True
    hour_cells = hour_cells[:, : cal.cells]
    owners, hours, masks = [], [], []
    for i in rows:
        student = ctx.students[i]
        free = free_cells(cal, student.timezone, [student.windows])[0]
        variant = free[None, :] | hour_cells
        useful = np.flatnonzero((variant != free[None, :]).any(axis=1))
        owners += [i] * len(useful)
        hours += useful.tolist()
        masks.append(variant[useful])
    if not owners:
        return out
    side = side_from_free(cal, np.concatenate(masks))
    counts = time_counts(cal, side, ctx.tutor_side)[0][:, ctx.tutor_side.key_of_person]
    owner = np.asarray(owners)
    fits = ((counts > 0) & ctx.allowed[owner]).sum(axis=1)
    opened = fits - ctx.feasible[owner].sum(axis=1)
    for i in rows:
        mine = np.flatnonzero(owner == i)
        if len(mine):
            best = mine[int(np.argmax(opened[mine]))]  # first maximum: earliest hour
            if opened[best] > 0:
                label = format_windows([WeeklyWindow(hours[best] * 60, 60)])
                out[i] = (label, int(opened[best]))
    return out


def add_help(ctx: Context, unmatched: list[Unmatched]) -> list[Unmatched]:
    """Attach clock-change details and "what would help" to unmatched students.

    The extra-hour search runs for the first :data:`HELP_LIMIT` unmatched students by id, to
    keep large runs fast; the others get the 45-minute count only.
    """
    rows = [ctx.student_index(u.person_id) for u in unmatched if u.role == "student"]
    if not rows:
        return unmatched
    no_time = [
        ctx.student_index(u.person_id)
        for u in unmatched
        if u.role == "student" and u.reason == "no_common_time"
    ]
    details = _dst_detail(ctx, no_time)
    short = dict(zip(rows, _short_session_counts(ctx, rows).tolist(), strict=True))
    extra = _best_extra_hours(ctx, rows[:HELP_LIMIT])
    out = []
    for u in unmatched:
        if u.role != "student":
            out.append(u)
            continue
        i = ctx.student_index(u.person_id)
        hour, opened = extra.get(i, (None, 0))
        out.append(
            dataclasses.replace(
                u, help=Help(short[i], hour, opened), detail=details.get(i, u.detail)
            )
        )
    return out
