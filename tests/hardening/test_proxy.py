"""ProxyFix is off unless configured: a client cannot forge its address past the rate limits."""

from __future__ import annotations

import pytest

from matcher.security.proxy import ProxySettingError


def remote_addr_app(make_app, **config):
    app = make_app(**config)

    @app.get("/test-remote-addr")
    def remote_addr() -> str:
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    return app.test_client()


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_by_default(make_app) -> None:
    client = remote_addr_app(make_app)
    assert client.get("/test-remote-addr", headers=FORWARDED).text == "127.0.0.1 http"


def test_one_trusted_proxy_gives_the_client_address_and_scheme(make_app) -> None:
    client = remote_addr_app(make_app, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    assert client.get("/test-remote-addr", headers=FORWARDED).text == "203.0.113.9 https"


def test_the_environment_can_turn_it_on(make_app, monkeypatch) -> None:
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    client = remote_addr_app(make_app)
    assert client.get("/test-remote-addr", headers=FORWARDED).text.startswith("203.0.113.9 ")


@pytest.mark.parametrize("value", ["yes", "-1", "9"])
def test_a_nonsense_setting_refuses_to_start(make_app, value: str) -> None:
    with pytest.raises(ProxySettingError, match="PROXY_FIX_X_FOR"):
        make_app(PROXY_FIX_X_FOR=value)
