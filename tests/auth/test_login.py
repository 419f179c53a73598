"""Signing in: one generic failure message, equal treatment of unknown emails, growing lockout."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, LoginLock, User
from matcher.models.base import utcnow
from matcher.services.accounts.signin import LOGIN_FAILED, address_hash


def failed_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "auth.login", AuditEvent.outcome == "failed"
            )
        )
    )


def test_correct_password_signs_in_and_opens_the_dashboard(client, make_user, login) -> None:
    user = make_user()
    response = login(client, user)
    assert response.headers["Location"].endswith("/dashboard/")
    page = client.get("/dashboard/", follow_redirects=True)
    assert page.status_code == 200
    assert user.name in page.text
    db.session.refresh(user)
    assert user.last_login_at is not None
    ok = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login", AuditEvent.outcome == "ok")
    ).one()
    assert ok.target == f"user:{user.id}"


def test_email_is_matched_case_insensitively(client, make_user) -> None:
    user = make_user(email="mixed@example.org")
    db.session.commit()
    response = client.post(
        "/login", data={"email": "  MIXED@Example.org ", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert user.id


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user) -> None:
    make_user(email="known@example.org")
    db.session.commit()
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    wrong = client.post("/login", data={"email": "known@example.org", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 401
    assert LOGIN_FAILED in unknown.text
    assert LOGIN_FAILED in wrong.text
    assert unknown.text.replace("nobody", "known") == wrong.text


def test_unknown_email_still_spends_one_password_hash(client, monkeypatch) -> None:
    import matcher.services.accounts.signin as accounts

    calls = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    client.post("/login", data={"email": "nobody@example.org", "password": "whatever12345"})
    assert calls == [accounts.DUMMY_HASH]


def test_failures_are_audited_with_a_hashed_address_never_the_ip_or_email(
    client, make_user
) -> None:
    make_user(email="known@example.org")
    db.session.commit()
    client.post(
        "/login",
        data={"email": "known@example.org", "password": "wrong password!"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    (event,) = failed_events()
    assert event.detail["reason"] == "password"
    assert len(event.detail["ip_hash"]) == 16
    flat = repr((event.actor, event.target, event.detail))
    assert "203.0.113.9" not in flat
    assert "known@example.org" not in flat


def lock_of(user: User, address: str = "127.0.0.1") -> LoginLock | None:
    return db.session.scalars(
        select(LoginLock).where(
            LoginLock.user_id == user.id, LoginLock.ip_hash == address_hash(address)
        )
    ).first()


def test_repeated_failures_lock_that_address_for_a_growing_delay(client, make_user) -> None:
    user = make_user(email="target@example.org")
    db.session.commit()
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong password!"})
    lock = lock_of(user)
    assert lock is not None and lock.failures == 5
    first_lock = lock.locked_until - utcnow()
    assert timedelta(seconds=50) < first_lock <= timedelta(seconds=60)

    # While locked, even the right password is refused from this address, same generic message.
    locked = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert locked.status_code == 401
    assert LOGIN_FAILED in locked.text

    # After the lock runs out, another failure locks for twice as long.
    lock.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": "wrong password!"})
    db.session.refresh(lock)
    second_lock = lock.locked_until - utcnow()
    assert timedelta(seconds=110) < second_lock <= timedelta(seconds=120)

    # Once it expires, the right password works and clears this address's count.
    lock.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    ok = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert lock_of(user) is None


def test_a_lock_from_elsewhere_never_keeps_the_owner_out(app, make_user) -> None:
    """Five wrong passwords from an attacker's address lock that address only."""
    user = make_user(email="owner@example.org")
    db.session.commit()
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    for _ in range(8):
        attacker.post("/login", data={"email": user.email, "password": "wrong password!"})
    refused = attacker.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert refused.status_code == 401
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    answer = owner.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert lock_of(user, "198.51.100.66") is not None  # the attacker's address stays locked


def test_users_unlock_lifts_every_lock_of_the_account(app, runner, make_user) -> None:
    user = make_user(email="locked@example.org")
    db.session.add(
        LoginLock(
            user_id=user.id,
            ip_hash=address_hash("127.0.0.1"),
            failures=9,
            locked_until=utcnow() + timedelta(hours=1),
        )
    )
    db.session.commit()
    result = runner.invoke(args=["users", "unlock", "LOCKED@example.org"])
    assert result.exit_code == 0, result.output
    assert "Lifted 1 sign-in lock" in result.output
    db.session.expire_all()
    assert lock_of(user) is None
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.unlock"))
    assert event.target == f"user:{user.id}" and event.actor == "cli"
    unknown = runner.invoke(args=["users", "unlock", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_one_address_trying_many_emails_is_limited(make_app, make_user) -> None:
    app = make_app(LOGIN_ADDRESS_LIMIT=3)
    with app.app_context():
        from matcher.services.accounts.users import create_user

        create_user("real@example.org", "Real", "correct horse battery", actor="test")
        db.session.commit()
        client = app.test_client()
        attacker = {"REMOTE_ADDR": "198.51.100.7"}
        for n in range(3):
            client.post(
                "/login",
                data={"email": f"guess{n}@example.org", "password": "x" * 12},
                environ_base=attacker,
            )
        blocked = client.post(
            "/login",
            data={"email": "real@example.org", "password": "correct horse battery"},
            environ_base=attacker,
        )
        assert blocked.status_code == 401
        other_address = client.post(
            "/login",
            data={"email": "real@example.org", "password": "correct horse battery"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        )
        assert other_address.status_code == 302
        # the address limit does not lock the victim's account
        assert db.session.scalars(select(LoginLock)).all() == []
        db.session.remove()
        db.engine.dispose()


def test_login_starts_a_fresh_session(client, make_user, login) -> None:
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_token}"


def test_next_only_redirects_within_the_site(client, make_user) -> None:
    make_user(email="next@example.org")
    db.session.commit()
    data = {"email": "next@example.org", "password": "correct horse battery"}
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", query_string={"next": evil}, data=data)
        assert response.headers["Location"].endswith("/dashboard/"), evil
        client.post("/logout")
    response = client.post("/login", query_string={"next": "/dashboard/accounts/"}, data=data)
    assert response.headers["Location"].endswith("/dashboard/accounts/")


def test_hostile_input_in_the_login_form_is_just_a_failed_login(client) -> None:
    for email, password in [
        ("<script>alert(1)</script>@x.org", "' OR 1=1 --"),
        ("=cmd|' /C calc'!A0", "\u202e" * 20),
        ("a\x00b@example.org", "p\x00" * 10),
        ("x" * 10_000, "y" * 10_000),
    ]:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 401
        assert "<script>alert(1)" not in response.text
