"""Sessions end for real: replayed cookies after logout, password change or deactivation, timeouts."""

from __future__ import annotations

import time

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent

COOKIE = "lelp_session"


def saved_cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def replay(client, value: str):
    client.set_cookie(COOKIE, value)
    return client.get("/dashboard/")


def refused(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_saved_cookie_stops_working_after_logout(client, make_user, login) -> None:
    user = make_user()
    login(client, user)
    cookie = saved_cookie(client)
    assert not refused(client.get("/dashboard/"))
    client.post("/logout")
    assert refused(replay(client, cookie))
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.logout"))
        .one()
        .target
        == f"user:{user.id}"
    )


def test_logout_ends_the_users_sessions_on_other_browsers_too(app, make_user, login) -> None:
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    laptop.post("/logout")
    assert refused(phone.get("/dashboard/"))


def test_a_saved_cookie_stops_working_after_a_password_change(
    app, client, make_user, login
) -> None:
    user = make_user()
    other = app.test_client()
    login(client, user)
    login(other, user)
    old_cookie = saved_cookie(client)
    response = client.post(
        "/account/password",
        data={
            "current": "correct horse battery",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert not refused(client.get("/dashboard/"))  # this browser carries on with a fresh token
    assert refused(other.get("/dashboard/"))
    assert refused(replay(client, old_cookie))
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": user.email, "password": "a brand new passphrase"}
        ).status_code
        == 302
    )


def test_password_change_checks_the_current_password_and_the_new_one(
    client, make_user, login
) -> None:
    user = make_user()
    login(client, user)
    wrong = client.post(
        "/account/password",
        data={"current": "not my password", "new": "x" * 14, "confirm": "x" * 14},
    )
    assert "The current password is wrong." in wrong.text
    short = client.post(
        "/account/password",
        data={"current": "correct horse battery", "new": "short", "confirm": "short"},
    )
    assert "at least 12 characters" in short.text
    differ = client.post(
        "/account/password",
        data={"current": "correct horse battery", "new": "x" * 14, "confirm": "y" * 14},
    )
    assert "differ" in differ.text
    assert not refused(client.get("/dashboard/"))
    assert db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "auth.password_change", AuditEvent.outcome == "failed"
        )
    ).all()
    assert user.id


def test_a_saved_cookie_stops_working_after_deactivation(app, client, make_user, login) -> None:
    coordinator = make_user()
    admin = make_user(admin=True)
    login(client, coordinator)
    cookie = saved_cookie(client)
    admin_client = app.test_client()
    login(admin_client, admin)
    response = admin_client.post(f"/dashboard/accounts/{coordinator.id}/deactivate")
    assert response.status_code == 302
    assert refused(replay(client, cookie))
    # Reactivating does not bring the old session back: the token was rotated.
    admin_client.post(f"/dashboard/accounts/{coordinator.id}/reactivate")
    assert refused(replay(client, cookie))


def test_idle_sessions_expire(client, make_user, login) -> None:
    login(client, make_user())
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 31 * 60
    assert refused(client.get("/dashboard/"))


def test_activity_keeps_a_session_alive_but_not_past_the_absolute_limit(
    client, make_user, login
) -> None:
    login(client, make_user())
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 20 * 60
    assert not refused(client.get("/dashboard/"))
    with client.session_transaction() as session:
        assert session["seen_at"] >= int(time.time()) - 5
        session["login_at"] = int(time.time()) - 11 * 3600
    assert refused(client.get("/dashboard/"))


def test_a_session_without_timestamps_is_refused(client, make_user, login) -> None:
    login(client, make_user())
    with client.session_transaction() as session:
        del session["login_at"]
    assert refused(client.get("/dashboard/"))


def test_no_remember_me_cookie_is_ever_set(client, make_user, login) -> None:
    login(client, make_user())
    assert client.get_cookie("remember_token") is None
