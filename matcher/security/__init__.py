"""Cross-cutting hardening: proxy trust, shared rate-limit storage, security headers, row ids."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install every hardening piece; runs right after the config is loaded.

    It runs before the extensions are bound because the rate limiter reads its storage URI
    when it is initialised, and so that the request id is assigned before any other
    ``before_request`` hook (CSRF protection included) can fail the request.
    """
    from matcher.security import (
        cross_site,
        headers,
        proxy,
        ratelimit,
        row_ids,
    )

    ratelimit.choose_storage(app)
    row_ids.install(app)
    proxy.install(app)
    headers.install(app)
    cross_site.install(app)
