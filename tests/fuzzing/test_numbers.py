"""Whole numbers read from dashboard forms and query strings: whatever arrives, never a 500.

Found by the dashboard fuzz test: the session length, a pair's version and the page number
were checked with str.isdigit(), which is True for '²', and int('²') then raised.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from hypothesis import example, given

from .hostile import clean_text, fuzz_settings, numbers, postable
from .invariants import check_page, post_and_check
from .world import World

pytestmark = pytest.mark.db

# Where a number is read: a post (path and form) or, for a list page, a query string.
POSTS: dict[str, Callable[[World, str], tuple[str, dict[str, str]]]] = {
    "preview minutes": lambda w, n: (
        f"/dashboard/semesters/{w.semester_id}/matching/preview",
        {"session_minutes": n},
    ),
    "run minutes": lambda w, n: (
        f"/dashboard/semesters/{w.semester_id}/matching/run",
        {"session_minutes": n},
    ),
    "lock version": lambda w, n: (f"/dashboard/pairs/{w.pairs[0][0]}/lock", {"version": n}),
    "confirm version": lambda w, n: (
        f"/dashboard/semesters/{w.semester_id}/matching/confirm",
        {"selected": f"{w.pairs[0][0]}:{n}"},
    ),
}
PAGES: dict[str, Callable[[World], str]] = {
    "audit page": lambda _w: "/dashboard/audit/",
    "applicants page": lambda w: f"/dashboard/semesters/{w.semester_id}/applicants",
}


@pytest.mark.parametrize("where", sorted(POSTS))
@fuzz_settings(ci_examples=10, dev_examples=60)
@given(number=numbers)
@example(number="²")
@example(number="١٥")
def test_a_number_in_a_form_never_breaks_the_page(build_world, where, number) -> None:
    world = build_world("matching", "Byeol")
    url, form = POSTS[where](world, number)
    post_and_check(world.client, url, postable(form))


@pytest.mark.parametrize("where", sorted(PAGES))
@fuzz_settings(ci_examples=10, dev_examples=60)
@given(number=numbers)
@example(number="²")
def test_a_page_number_never_breaks_the_list(build_world, where, number) -> None:
    world = build_world("matching", "Byeol")
    response = world.client.get(f"{PAGES[where](world)}?page={quote(clean_text(number))}")
    assert response.status_code == 200
    check_page(response)
