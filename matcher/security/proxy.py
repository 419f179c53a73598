"""Trust X-Forwarded-* headers only from as many reverse proxies as the deployment says (none by default)."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Config key -> ProxyFix argument. Each value is the number of proxies in front of the app
# that set that header; 0 (the default) ignores the header, so a client cannot forge its
# address to slip past the per-address rate limits.
SETTINGS = {
    "PROXY_FIX_X_FOR": "x_for",
    "PROXY_FIX_X_PROTO": "x_proto",
    "PROXY_FIX_X_HOST": "x_host",
    "PROXY_FIX_X_PORT": "x_port",
    "PROXY_FIX_X_PREFIX": "x_prefix",
}


class ProxySettingError(ValueError):
    """A PROXY_FIX_* value that is not a small non-negative whole number."""


def proxy_counts(app: Flask) -> dict[str, int]:
    """The hop count per header: app config first, then the environment, else 0."""
    counts = {}
    for key, argument in SETTINGS.items():
        raw = app.config.get(key, os.environ.get(key, 0))
        try:
            value = int(str(raw).strip() or 0)
        except ValueError:
            raise ProxySettingError(f"{key}={raw!r} must be a whole number of proxies.") from None
        if not 0 <= value <= 5:
            raise ProxySettingError(f"{key}={value} must be between 0 and 5.")
        counts[argument] = value
    return counts


def install(app: Flask) -> None:
    counts = proxy_counts(app)
    if any(counts.values()):
        # Flask's documented way to wrap its WSGI app; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]
