"""Dashboard buttons that send the coordinator back where they were: whatever `back` says, the
redirect stays on this site and is a valid header.

Found by the dashboard fuzz test: bulk approve redirected to any `back` (`//evil.example/`
went off the site, and a CR LF in it made a 500), and the pair actions let a `back` with a
CR LF through their /dashboard/ prefix check.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given

from .hostile import fuzz_settings, postable, redirect_targets
from .invariants import post_and_check
from .world import World

pytestmark = pytest.mark.db

# A valid post to each route that honours `back`, by a signed-in admin.
SENDS_BACK: dict[str, Callable[[World], tuple[str, dict[str, str]]]] = {
    "approve_selected": lambda w: (
        f"/dashboard/semesters/{w.semester_id}/applicants/approve",
        {"selected": w.students[3]},
    ),
    "lock": lambda w: (f"/dashboard/pairs/{w.pairs[0][0]}/lock", {"version": "1"}),
    "exclude_people": lambda w: (
        f"/dashboard/semesters/{w.semester_id}/matching/exclude",
        {"student": w.students[0], "tutor": w.tutors[0], "reason": "did not get along"},
    ),
}


@pytest.mark.parametrize("route", sorted(SENDS_BACK))
@fuzz_settings(ci_examples=10, dev_examples=60)
@given(back=redirect_targets)
@example(back="//evil.example/")
@example(back="https://evil.example/")
@example(back="/dashboard/\r\nSet-Cookie: x=1")
def test_back_stays_on_the_dashboard(build_world, route, back) -> None:
    world = build_world("matching", "Byeol")
    url, form = SENDS_BACK[route](world)
    _answer, response = post_and_check(world.client, url, postable({**form, "back": back}))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.scheme and not location.netloc and location.path.startswith("/")
