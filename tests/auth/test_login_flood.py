"""Sign-in floods are stopped before any password hash, and audited once per window."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import matcher.services.accounts.signin as signin
from matcher.extensions import db
from matcher.models import AuditEvent

WRONG = {"email": "someone@example.org", "password": "not the password"}


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every argon2 verification a sign-in spends."""
    calls: list[str] = []
    real = signin.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    return calls


def flood_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_flood"))
    )


def failed_logins() -> int:
    return len(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).all()
    )


def test_one_address_is_stopped_before_hashing_and_audited_once(make_app, hashes) -> None:
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        flooder = app.test_client()
        flooder.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        answers = [flooder.post("/login", data=WRONG).status_code for _ in range(40)]
        assert answers[:3] == [401, 401, 401]
        assert set(answers[3:]) == {429}
        assert len(hashes) == 3  # the 37 refused posts spent no hash
        assert failed_logins() == 3  # and wrote no row each
        (flood,) = flood_events()
        assert flood.outcome == "denied" and flood.detail["scope"] == "address"
        assert flood.detail["ip_hash"] == signin.address_hash("198.51.100.7")
        assert "198.51.100.7" not in repr(flood.detail)

        page = flooder.post("/login", data=WRONG)
        assert "Too many sign-in attempts" in page.text and page.headers["Retry-After"]

        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.44"
        assert other.post("/login", data=WRONG).status_code == 401
        assert flooder.get("/login").status_code == 200  # only posts are counted
        db.session.remove()
        db.engine.dispose()


def test_a_flood_from_many_addresses_meets_the_overall_limit(make_app, hashes) -> None:
    app = make_app(LOGIN_GLOBAL_RATE_LIMIT="5 per minute")
    with app.app_context():
        answers = []
        for n in range(30):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
            answers.append(client.post("/login", data=WRONG).status_code)
        assert answers[:5] == [401] * 5
        assert set(answers[5:]) == {429}
        assert len(hashes) == 5
        (flood,) = flood_events()
        assert flood.detail["scope"] == "all_addresses" and "ip_hash" not in flood.detail
        db.session.remove()
        db.engine.dispose()
