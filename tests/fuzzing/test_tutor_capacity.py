"""A tutor is never left with more active pairs than students they take.

Found by the dashboard fuzz test: the edit form lowered a tutor's capacity below their active
pairs (when their times stayed, so the pairs did too); matching then refused to run for the
whole semester ("the engine refused this semester's data") until someone noticed.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .hostile import fuzz_settings, numbers, postable
from .invariants import post_and_verify

pytestmark = pytest.mark.db

SAME_TIMES = "Mon 19:00-21:00; Sat 10:00-12:00"  # the world's tutors keep theirs
EDIT = {
    "display_name": "Tutor",
    "timezone": "Asia/Seoul",
    "goals": ["conversation"],
    "levels": ["intermediate"],
    "note": "",
}


@fuzz_settings(ci_examples=10, dev_examples=60)
@given(
    capacity=st.one_of(st.sampled_from(["1", "2", "3"]), numbers),
    times=st.sampled_from([SAME_TIMES, "Mon 19:00-21:00"]),
)
@example(capacity="1", times=SAME_TIMES)
def test_an_edit_never_leaves_a_tutor_over_capacity(build_world, capacity, times) -> None:
    world = build_world("matching", "Byeol")
    form = {**EDIT, "availability": times, "capacity": capacity}
    tutor = world.tutors[1]  # takes 3 and has 2 active pairs
    post_and_verify(
        world.client,
        f"/dashboard/applicants/{tutor}/edit",
        postable(form),
        semester_id=world.semester_id,
    )
