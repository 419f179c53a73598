"""Hostile posts to sign-in, password change and sign-out.

Never a server error, never raw markup, never a redirect off the site (whatever `next` says).
A failed sign-in changes only the account's failure counters for that address and leaves a "failed" audit
event; a refused password change leaves the password and the sessions alone.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from matcher.extensions import db
from matcher.models import LoginLock, User

from .hostile import clean_text, form_posts, fuzz_settings, postable, redirect_targets, text
from .invariants import Change, compare, post_and_check, snapshot
from .world import PASSWORD

pytestmark = pytest.mark.db

_numbers = itertools.count(1)
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def account(app, make_user):
    """A fresh account and client per example, each from its own address (the per-address
    failure limit would otherwise lock every later example out)."""

    def make(*, signed_in: bool):
        n = next(_numbers)
        user = make_user(email=f"fuzz.auth{n}@example.org")
        db.session.commit()
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        if signed_in:
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
        return user.id, user.email, client

    return make


def user_row(change: Change, user_id: int) -> dict | None:
    """The account's row after the post, when the post changed it."""
    columns = [c.name for c in User.__table__.columns]
    for row in change.rows.get("users", []):
        values = dict(zip(columns, row, strict=True))
        if values["id"] == user_id:
            return values
    return None


def lock_row(change: Change, user_id: int) -> dict | None:
    """The account's failure count for this address after the post, when the post changed it."""
    columns = [c.name for c in LoginLock.__table__.columns]
    for row in change.rows.get("login_locks", []):
        values = dict(zip(columns, row, strict=True))
        if values["user_id"] == user_id:
            return values
    return None


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_login_never_breaks_anything(account, data) -> None:
    user_id, email, client = account(signed_in=False)
    fields = {
        "email": (email, st.one_of(text, st.just(email.upper()), st.just(f" {email} "))),
        "password": (PASSWORD, text),
    }
    form = data.draw(form_posts(fields), label="form")
    target = data.draw(st.one_of(st.none(), redirect_targets), label="next")
    path = "/login" if target is None else f"/login?next={quote(clean_text(target), safe='')}"
    before = snapshot()
    answer, _response = post_and_check(client, path, postable(form), redirects_when_done=False)
    change = compare(before, snapshot())
    event("signed in" if answer.status == 302 else f"{answer.status}")
    if answer.status == 302:
        assert {action for action, _ in change.events} == {"auth.login"}
        assert change.ok_events == {"auth.login"}
    else:
        assert answer.status in (200, 401)
        assert change.tables <= {"login_locks"} and not change.ok_events
        row = lock_row(change, user_id)
        if row is not None:  # a wrong password for this account: only its counters moved
            assert row["failures"] >= 1


@pytest.mark.slow
@fuzz_settings(ci_examples=20, dev_examples=100)
@given(data=st.data())
def test_password_change_never_breaks_anything(account, data) -> None:
    user_id, _email, client = account(signed_in=True)
    fields = {
        "current": (PASSWORD, text),
        "new": (NEW_PASSWORD, text),
        "confirm": (NEW_PASSWORD, text),
    }
    form = data.draw(form_posts(fields), label="form")
    before = snapshot()
    answer, _response = post_and_check(client, "/account/password", postable(form))
    change = compare(before, snapshot())
    event("changed" if change.ok_events else f"{answer.status}")
    if answer.refused:
        assert not change.tables and not change.ok_events
        assert {action for action, _ in change.events} <= {"auth.password_change"}
    else:
        row = user_row(change, user_id)
        assert row is not None and change.ok_events == {"auth.password_change"}
        assert change.tables == {"users"}


@pytest.mark.slow
@fuzz_settings(ci_examples=10, dev_examples=50)
@given(data=st.data())
def test_logout_never_breaks_anything(account, data) -> None:
    _user_id, _email, client = account(signed_in=True)
    form = data.draw(form_posts({}), label="form")
    before = snapshot()
    answer, response = post_and_check(client, "/logout", postable(form))
    change = compare(before, snapshot())
    assert answer.status == 302 and response.headers["Location"].endswith("/login")
    assert change.tables == {"users"} and change.ok_events == {"auth.logout"}
    assert client.get("/dashboard/").status_code == 302  # the session is over
