"""Hostile posts through an applicant's private link: withdrawing, and changing the weekly
times once sign-ups have closed (the whole form, during sign-ups, is fuzzed with the intake
tests). The link itself may be hostile too.

Never a server error, never raw markup; a refused post changes nothing, a change is audited,
the pairs stay sound, and new times never change a closed semester.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.extensions import db
from matcher.intake.grid import all_slot_values
from matcher.services.applicants.review import get_applicant, new_private_link

from .hostile import (
    Field,
    choice,
    clean_text,
    form_posts,
    fuzz_settings,
    mostly,
    one_of_or_hostile,
    postable,
    spiked,
)
from .invariants import post_and_verify
from .world import STATUSES, STORED_NAMES, World

pytestmark = pytest.mark.db

EVENING = ["Mon-19:00", "Mon-19:30", "Wed-20:00", "Wed-20:30"]


def private_link(app, build_world, data) -> tuple[World, str]:
    """A world, and the path of one paired person's private page (maybe with a hostile token)."""
    world = build_world(
        data.draw(st.sampled_from(STATUSES), label="status"),
        data.draw(st.sampled_from(STORED_NAMES), label="name"),
    )
    who = data.draw(st.sampled_from([*world.students[:3], *world.tutors[:2]]), label="who")
    token = new_private_link(get_applicant(who), actor="test")
    db.session.commit()
    sent = data.draw(
        mostly(st.just(token), st.one_of(spiked(st.just(token)), choice)), label="token"
    )
    return world, f"/me/{quote(clean_text(sent), safe='')}"


def post(app, world: World, path: str, form: dict) -> None:
    """Post as the applicant (no coordinator signed in), with every check."""
    post_and_verify(
        app.test_client(),
        path,
        postable(form),
        semester_id=world.semester_id,
        frozen=world.status == "closed",
    )


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_changing_times_never_breaks_anything(app, build_world, data) -> None:
    world, path = private_link(app, build_world, data)
    fields: dict[str, Field] = {
        "slots": (EVENING, st.lists(one_of_or_hostile(all_slot_values()), max_size=12)),
        "action": (None, one_of_or_hostile(["preview", "send"])),
    }
    post(app, world, path + "/edit", data.draw(form_posts(fields), label="form"))


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_withdrawing_never_breaks_anything(app, build_world, data) -> None:
    world, path = private_link(app, build_world, data)
    fields: dict[str, Field] = {"confirm": ("y", one_of_or_hostile(["y", "false", ""]))}
    # A closed semester is final: withdrawing then changes nothing (see the intake tests).
    form = data.draw(form_posts(fields), label="form")
    post(app, world, path + "/withdraw", form)


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_choosing_a_session_never_breaks_anything(app, build_world, data) -> None:
    from .routes import session_keys

    world, path = private_link(app, build_world, data)
    keys = session_keys(world)
    fields: dict[str, Field] = {
        "pair": (world.pairs[0][0], one_of_or_hostile([p for p, _ in world.pairs])),
        "start": (keys[0], one_of_or_hostile(keys)),
    }
    post(app, world, path + "/session", data.draw(form_posts(fields), label="form"))
