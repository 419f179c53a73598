"""With the shared rate-limit store unreachable the service says so loudly, and production
may choose to refuse limited requests (503) rather than count in each worker's memory."""

from __future__ import annotations

import logging
import socket

import pytest
from flask.logging import default_handler

import matcher.services.accounts.signin as signin
from matcher.extensions import db
from matcher.security.ratelimit import LIMITER_LOGGER

WRONG = {"email": "someone@example.org", "password": "not the password"}


def dead_redis() -> str:
    """A Redis URL on a port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = signin.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    return calls


def build(make_app, monkeypatch, caplog, **overrides):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", dead_redis())
    with caplog.at_level(logging.WARNING):
        return make_app(**overrides)


def test_an_unreachable_store_is_logged_at_startup(make_app, monkeypatch, caplog) -> None:
    app = build(make_app, monkeypatch, caplog)
    assert "RATE-LIMIT STORAGE UNREACHABLE" in caplog.text
    assert "RATELIMIT_FAIL_CLOSED" in caplog.text
    # Flask-Limiter's own "falling back" warning reaches the log instead of a NullHandler.
    assert default_handler in logging.getLogger(LIMITER_LOGGER).handlers
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_by_default_limits_fall_back_to_memory_and_still_hold(
    make_app, monkeypatch, caplog, hashes
) -> None:
    app = build(make_app, monkeypatch, caplog, LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        answers = [client.post("/login", data=WRONG).status_code for _ in range(5)]
        assert answers == [401, 401, 429, 429, 429]
        assert len(hashes) == 2
        db.session.remove()
        db.engine.dispose()


def test_fail_closed_refuses_limited_requests_with_503(
    make_app, monkeypatch, caplog, hashes
) -> None:
    app = build(make_app, monkeypatch, caplog, RATELIMIT_FAIL_CLOSED=True)
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is False
    assert "limited pages answer 503" in caplog.text
    with app.app_context():
        client = app.test_client()
        refused = client.post("/login", data=WRONG)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
        assert hashes == []  # refused before any password check
        assert client.get("/privacy").status_code == 200  # pages without limits still open
        db.session.remove()
        db.engine.dispose()
