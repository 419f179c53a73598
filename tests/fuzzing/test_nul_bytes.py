"""A NUL byte in an id or a name sent to the dashboard: refused or dropped, never a 500.

PostgreSQL text cannot hold a NUL, not even as a value to compare with, so every one of these
was a 500 on PostgreSQL (and fine on SQLite). Found by the dashboard fuzz test on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .hostile import fuzz_settings, postable
from .invariants import check_audited, compare, post_and_check, snapshot
from .world import World

pytestmark = pytest.mark.db


def nul_at(value: str, at: int) -> str:
    return value[:at] + "\x00" + value[at:]


def q(value: str) -> str:
    return quote(value, safe="")


# Each case: (path, form) with a NUL put at ``at`` into the one value under test.
CASES: dict[str, Callable[[World, int], tuple[str, dict[str, str]]]] = {
    "pair in the URL": lambda w, at: (
        f"/dashboard/pairs/{q(nul_at(w.pairs[0][0], at))}/lock",
        {"version": "1"},
    ),
    "applicant in the URL": lambda w, at: (
        f"/dashboard/applicants/{q(nul_at(w.students[3], at))}/status",
        {"status": "approved"},
    ),
    "flag in the URL": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/flags/{q(nul_at(w.pairs[3][0], at))}/seen",
        {},
    ),
    "student to exclude": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/matching/exclude",
        {"student": nul_at(w.students[0], at), "tutor": w.tutors[0], "reason": "no"},
    ),
    "note on a manual pair": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/matching/manual",
        {"student": w.students[0], "tutor": w.tutors[1], "note": nul_at("met at the fair", at)},
    ),
    "applicants to approve": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/applicants/approve",
        {"selected": nul_at(w.students[3], at)},
    ),
    "pair to confirm": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/matching/confirm",
        {"selected": f"{nul_at(w.pairs[0][0], at)}:1"},
    ),
    "new account's email": lambda w, at: (
        "/dashboard/accounts/",
        {"email": nul_at(f"new{w.admin_id}@example.org", at), "name": "New Coordinator"},
    ),
    "new account's name": lambda w, at: (
        "/dashboard/accounts/",
        {"email": f"new{w.admin_id}@example.org", "name": nul_at("New Coordinator", at)},
    ),
    "next semester's name": lambda w, at: (
        f"/dashboard/semesters/{w.semester_id}/start-next",
        {
            "name": nul_at(f"Autumn 2027 #{w.admin_id}", at),
            "start": "2027-09-01",
            "end": "2027-12-20",
            "session_minutes": "60",
        },
    ),
}
SAVED_PAGES = frozenset({"new account's email", "new account's name"})  # 200 when created


@pytest.mark.parametrize("case", sorted(CASES))
@fuzz_settings(ci_examples=5, dev_examples=30)
@given(at=st.integers(0, 20))
@example(at=0)
def test_a_nul_byte_never_breaks_a_dashboard_post(build_world, case, at) -> None:
    world = build_world("matching", "Byeol")
    path, form = CASES[case](world, at)
    before = snapshot()
    answer, _response = post_and_check(
        world.client, path, postable(form), redirects_when_done=case not in SAVED_PAGES
    )
    check_audited(
        compare(before, snapshot()),
        refused=answer.refused,
        audited_without_change=frozenset({"match.flag_seen"}),
    )
