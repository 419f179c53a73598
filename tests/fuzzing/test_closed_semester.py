"""A closed semester is final: the coordinator's edit form cannot change its applicants (or, by
a change of times, end its pairs).

Found by the dashboard fuzz test: the edit form saved a closed semester's applicant and ended
their pairs, while every other applicant and pair action refused a closed semester.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .hostile import fuzz_settings, postable, text
from .invariants import compare, post_and_check, snapshot

pytestmark = pytest.mark.db

EDIT = {
    "timezone": "Asia/Seoul",
    "goals": ["conversation"],
    "levels": ["intermediate"],
    "in_person": "y",
    "capacity": "1",
    "note": "",
}


@fuzz_settings(ci_examples=10, dev_examples=60)
@given(
    name=st.one_of(st.just("Edited Name"), text), times=st.one_of(st.just("Tue 18:00-20:00"), text)
)
@example(name="Edited Name", times="Tue 18:00-20:00")
def test_a_closed_semesters_applicant_cannot_be_edited(build_world, name, times) -> None:
    world = build_world("closed", "Byeol")
    form = {**EDIT, "display_name": name, "availability": times}
    before = snapshot()
    answer, _response = post_and_check(
        world.client, f"/dashboard/applicants/{world.students[0]}/edit", postable(form)
    )
    assert answer.status == 200  # the form again, with the reason
    assert not compare(before, snapshot()).tables
