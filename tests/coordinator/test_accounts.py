"""Admins create, deactivate, reactivate and reset coordinator accounts; each step audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, LoginLock, User
from matcher.models.base import utcnow
from matcher.services.accounts.coordinators import reset_password, set_active
from matcher.services.accounts.signin import address_hash
from matcher.services.errors import DomainError


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def shown_password(page: str) -> str:
    found = re.search(r'id="temporary-password"><code>([^<]+)</code>', page)
    assert found, page
    return found.group(1)


def test_admin_creates_a_coordinator_who_can_sign_in_with_the_password_shown_once(
    app, client, make_user, login
) -> None:
    admin = make_user(admin=True)
    login(client, admin)
    page = client.post(
        "/dashboard/accounts/", data={"email": "New.Person@Example.org", "name": "Min*"}
    )
    assert page.status_code == 200
    password = shown_password(page.text)
    created = db.session.scalars(select(User).where(User.email == "new.person@example.org")).one()
    assert created.role == "coordinator"
    assert password not in client.get("/dashboard/accounts/").text
    (event,) = events("user.create")[-1:]
    assert (event.actor, event.target) == (f"user:{admin.id}", f"user:{created.id}")
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"email": "new.person@example.org", "password": password}
        ).status_code
        == 302
    )


def test_creating_a_duplicate_or_invalid_account_shows_the_error_by_the_field(
    client, make_user, login
) -> None:
    admin = make_user(admin=True, email="boss@example.org")
    login(client, admin)
    duplicate = client.post("/dashboard/accounts/", data={"email": "boss@example.org", "name": "X"})
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.text
    hostile = client.post(
        "/dashboard/accounts/", data={"email": "<script>@x", "name": "<script>alert(1)</script>"}
    )
    assert hostile.status_code == 400
    assert "<script>alert(1)" not in hostile.text
    # The message is tied to its field for screen readers.
    assert 'aria-invalid="true"' in hostile.text and 'id="email-error"' in hostile.text
    assert 'aria-describedby="email-error"' in hostile.text


def test_reset_gives_a_new_password_clears_the_lock_and_ends_sessions(
    app, client, make_user, login
) -> None:
    admin = make_user(admin=True)
    coordinator = make_user()
    for address in ("127.0.0.1", "198.51.100.2"):  # the first is the test client's own
        db.session.add(
            LoginLock(
                user_id=coordinator.id,
                ip_hash=address_hash(address),
                failures=7,
                locked_until=utcnow() + timedelta(hours=1),
            )
        )
    login(client, admin)
    victim = app.test_client()
    db.session.commit()
    old_token = coordinator.session_token
    page = client.post(f"/dashboard/accounts/{coordinator.id}/reset")
    password = shown_password(page.text)
    db.session.refresh(coordinator)
    assert coordinator.session_token != old_token
    assert db.session.scalars(select(LoginLock)).all() == []
    assert (
        victim.post("/login", data={"email": coordinator.email, "password": password}).status_code
        == 302
    )
    assert events("user.password_reset")[0].target == f"user:{coordinator.id}"


def test_an_admin_cannot_deactivate_themself_but_can_deactivate_another_admin(
    app, make_user
) -> None:
    admin = make_user(admin=True)
    with pytest.raises(DomainError, match="your own"):
        set_active(admin, False, by=admin)
    other_admin = make_user(admin=True)
    set_active(other_admin, False, by=admin)
    assert not other_admin.active
    assert events("user.deactivate")[0].target == f"user:{other_admin.id}"


def test_reset_password_service_is_audited_without_the_password(app, make_user) -> None:
    admin, coordinator = make_user(admin=True), make_user()
    password = reset_password(coordinator, by=admin)
    (event,) = events("user.password_reset")
    assert password not in repr(event.detail)
