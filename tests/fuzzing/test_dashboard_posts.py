"""Hostile posts to every dashboard form and button, by a signed-in admin.

For each example: a fresh semester (in any status) with people named with markup or formulas,
then one post whose fields are kept, replaced by hostile values or left out, plus extra fields.
Never a server error, never raw markup on the page or the page a redirect leads to, never a
redirect off the site; a refused post changes nothing; a change is audited; pairs stay sound;
nothing of a closed semester changes (but for an erasure or a new private link).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .hostile import form_posts, fuzz_settings, postable
from .invariants import post_and_verify
from .routes import DASHBOARD
from .world import STATUSES, STORED_NAMES

pytestmark = pytest.mark.db


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", sorted(DASHBOARD))
@fuzz_settings(ci_examples=30, dev_examples=150)
@given(data=st.data())
def test_a_dashboard_post_never_breaks_anything(build_world, endpoint, data) -> None:
    route = DASHBOARD[endpoint]
    world = build_world(
        data.draw(st.sampled_from(STATUSES), label="status"),
        data.draw(st.sampled_from(STORED_NAMES), label="name"),
    )
    url = data.draw(route.url(world), label="url")
    form = data.draw(form_posts(route.fields(world)), label="form")
    post_and_verify(
        world.client,
        url,
        postable(form),
        semester_id=world.semester_id,
        frozen=world.status == "closed" and not route.changes_closed_semester,
        redirects_when_done=route.redirects_when_done,
        audited_without_change=route.audited_without_change,
    )
