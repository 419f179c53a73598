"""Hostile posts to "email me my link": never an error, never a hint of who applied.

Whatever is typed, the page is the form again (a bad address, next to the field) or the one
"check your email" answer; only a current person's own address adds a link and an email.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from matcher.extensions import db

from .hostile import form_posts, fuzz_settings, postable, text
from .invariants import compare, post_and_check, snapshot

pytestmark = pytest.mark.db

KNOWN = "known.person@example.org"


@pytest.fixture
def known(app, make_semester, make_student):
    make_student(make_semester(status="active"), email=KNOWN)
    db.session.commit()


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_a_link_request_never_breaks_anything(app, known, data) -> None:
    variants = st.one_of(text, st.just(KNOWN.upper()), st.just(f" {KNOWN} "), st.just(KNOWN))
    form = data.draw(form_posts({"email": (KNOWN, variants)}), label="form")
    before = snapshot()
    answer, response = post_and_check(
        app.test_client(), "/link", postable(form), redirects_when_done=False
    )
    change = compare(before, snapshot())
    assert answer.status == 200
    page = response.get_data(as_text=True)
    event("answered" if "email-error" not in page else "refused")
    assert change.tables <= {"outbox_messages", "private_links"}
    assert change.ok_events <= {"applicant.link_requested"}
    if change.tables:
        assert change.tables == {"outbox_messages", "private_links"}
        assert change.ok_events == {"applicant.link_requested"}
