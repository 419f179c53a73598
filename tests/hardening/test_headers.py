"""Every GET route, signed in or not, carries the security headers; private pages are never stored."""

from __future__ import annotations

import re

import pytest
from flask import Response

from matcher import create_app
from matcher.config import TestingConfig
from matcher.extensions import db
from matcher.security.headers import CONTENT_SECURITY_POLICY
from matcher.services.applicants.adding import new_edit_token

EXPECTED_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def _get_rules() -> list[str]:
    """The URL map of a throwaway app, read at collection time so each route is its own test."""
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({r.rule for r in app.url_map.iter_rules() if "GET" in r.methods})


GET_RULES = _get_rules()


@pytest.fixture
def sample(app, make_student):
    """Real values for every URL argument, so pages render rather than 404 where possible."""
    student = make_student()
    token, token_hash = new_edit_token()
    student.edit_token_hash = token_hash
    db.session.commit()
    return {
        "semester_id": student.semester_id,
        "public_id": student.public_id,
        "token": token,
        "filename": "site.css",
    }


def url_for_rule(app, rule_text: str, sample: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    missing = set(rule.arguments) - set(sample)
    if missing:
        pytest.fail(f"{rule_text}: add a sample value for {sorted(missing)} in this test")
    return rule.build({k: sample[k] for k in rule.arguments}, append_unknown=False)[1]


def test_the_policy_is_the_agreed_one() -> None:
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "/healthz" in GET_RULES and "/me/<token>" in GET_RULES


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
@pytest.mark.parametrize("rule", GET_RULES)
def test_every_get_route_sends_the_security_headers(
    app, client, login, make_user, sample, rule: str, who: str
) -> None:
    if who == "coordinator":
        login(client, make_user())
    response: Response = client.get(url_for_rule(app, rule, sample))

    assert response.status_code < 500, response.status_code
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])
    assert "Strict-Transport-Security" not in response.headers  # production only
    private = rule.startswith(("/me/", "/apply/done"))
    if who == "coordinator" or private:
        assert response.headers["Cache-Control"] == "no-store", rule
    if response.mimetype == "text/html":
        # The policy blocks inline script and style; a page relying on them would break.
        page = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(page), rule
        assert not INLINE_HANDLER.search(page), rule
        assert not INLINE_STYLE.search(page), rule


def test_each_request_gets_its_own_id(client) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_a_client_cannot_choose_its_request_id(client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "<script>forged</script>"})
    assert response.headers["X-Request-ID"] != "<script>forged</script>"
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])


def test_public_pages_may_be_cached_but_private_ones_not(client) -> None:
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    # Even a wrong private link must not leave its URL's page in a cache.
    assert client.get("/me/not-a-real-token").headers["Cache-Control"] == "no-store"


def test_downloads_are_never_stored(make_app) -> None:
    app = make_app()

    @app.get("/test-download")
    def download() -> Response:
        return Response(
            "a,b\n", mimetype="text/csv", headers={"Content-Disposition": "attachment; x.csv"}
        )

    response = app.test_client().get("/test-download")
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(make_app, monkeypatch) -> None:
    monkeypatch.setenv("MATCHER_DATA_KEY", "A" * 43 + "=")  # production needs the data key
    production = make_app(ENV_NAME="production", SECRET_KEY="p" * 40)
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    development = make_app(ENV_NAME="development")
    assert "Strict-Transport-Security" not in development.test_client().get("/healthz").headers
