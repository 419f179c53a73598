"""Rate-limit counters shared by every worker and host: Redis when configured, memory only locally."""

from __future__ import annotations

import os

from flask import Flask

MEMORY = "memory://"


def storage_uri_from_env() -> str | None:
    """RATELIMIT_STORAGE_URI, else REDIS_URL, from the environment (None when neither is set)."""
    for name in ("RATELIMIT_STORAGE_URI", "REDIS_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def choose_storage(app: Flask) -> None:
    """Point Flask-Limiter at shared storage before it is initialised.

    With ``memory://`` each gunicorn worker keeps its own counters, so N workers allow N times
    the limit; production therefore sets ``RATELIMIT_STORAGE_URI=redis://…`` (or ``REDIS_URL``).
    If Redis goes away the limiter falls back to per-worker memory counters rather than
    turning every limited form into an error page.
    """
    from_env = storage_uri_from_env()
    if from_env:
        app.config["RATELIMIT_STORAGE_URI"] = from_env
    uri = app.config.get("RATELIMIT_STORAGE_URI") or MEMORY
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    elif uri == MEMORY and app.config.get("ENV_NAME") == "production":
        app.logger.warning(
            "Rate limits are counted in each worker's memory; set RATELIMIT_STORAGE_URI to a "
            "Redis URL so that several workers share them."
        )
