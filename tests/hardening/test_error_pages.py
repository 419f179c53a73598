"""Error pages: both languages, a request id to quote, and nothing from inside the server."""

from __future__ import annotations

import logging

import pytest
from flask import abort

CANARY = "Canary Ri*-Sol canary.ri@example.org"


@pytest.fixture
def failing_app(make_app, monkeypatch):
    """A production-like app (exceptions become pages, not test failures) with failing routes."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    # An in-process `flask db upgrade` in an earlier test runs Alembic's fileConfig, which
    # disables every logger that existed then; this test needs the app's log to be live.
    monkeypatch.setattr(app.logger, "disabled", False)

    @app.get("/test-boom")
    def boom() -> str:
        raise RuntimeError(f"statement failed for {CANARY}")

    @app.get("/me/<token>/test-boom")
    def private_boom(token: str) -> str:
        raise RuntimeError("private page failed")

    @app.get("/test-forbidden")
    def forbidden() -> str:
        abort(403)

    return app


def assert_bilingual_page_with_id(response) -> str:
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert request_id in page
    assert "요청 번호" in page and "Request number" in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    return page


def test_a_crash_shows_a_bilingual_page_without_the_exception(failing_app, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get("/test-boom")
    assert response.status_code == 500
    page = assert_bilingual_page_with_id(response)
    assert "문제가 생겼습니다" in page and "Something went wrong" in page
    for leak in ("Canary", "canary.ri", "RuntimeError", "Traceback", "statement failed"):
        assert leak not in page
    # Operators still get the exception in the server log, to find by time.
    assert "RuntimeError" in caplog.text


def test_a_crash_on_a_private_page_does_not_log_the_link(failing_app, caplog) -> None:
    token = "tok3n-that-opens-someones-application"
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get(f"/me/{token}/test-boom")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store"
    assert "private page failed" in caplog.text
    assert token not in caplog.text


def test_wrong_method_page_keeps_the_allow_header(client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    page = assert_bilingual_page_with_id(response)
    assert "This page cannot be opened this way" in page


def test_other_http_errors_get_the_plain_bilingual_page(failing_app) -> None:
    response = failing_app.test_client().get("/test-forbidden")
    assert response.status_code == 403
    page = assert_bilingual_page_with_id(response)
    assert "요청을 처리할 수 없습니다" in page


def test_the_intake_pages_for_404_and_413_still_answer(make_app) -> None:
    """Those codes belong to the intake's translated pages; this package must not replace them."""
    # With CSRF on, the protection reads the body first: the size cap answers before any view.
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "요청을 처리할 수 없습니다" not in missing.get_data(as_text=True)
    assert missing.headers["X-Request-ID"]
    big = client.post("/apply/student", data={"note": "x" * 300_000})
    assert big.status_code == 413
    assert "요청을 처리할 수 없습니다" not in big.get_data(as_text=True)
