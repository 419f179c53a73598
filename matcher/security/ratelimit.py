"""Rate-limit counters shared by every worker and host: Redis when configured, memory only locally.

When the shared store cannot be reached the choice is the deployment's (RATELIMIT_FAIL_CLOSED):
fall back to per-worker memory counters (the default: forms keep working, limits are looser by
the number of workers) or fail closed (limited pages answer 503 until the store is back). Either
way the service says so loudly at startup, never silently.
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from flask.logging import default_handler

MEMORY = "memory://"
SHARED_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://", "redis+cluster://")
# Flask-Limiter reports "falling back to in-memory storage" on a logger that has only a
# NullHandler: without this, the switch would happen silently.
LIMITER_LOGGER = "flask-limiter"


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
    """
    from_env = storage_uri_from_env()
    if from_env:
        app.config["RATELIMIT_STORAGE_URI"] = from_env
    uri = app.config.get("RATELIMIT_STORAGE_URI") or MEMORY
    if uri.startswith(SHARED_SCHEMES):
        fail_closed = bool(app.config.get("RATELIMIT_FAIL_CLOSED"))
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", not fail_closed)
        if fail_closed:
            app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = False
            _answer_503_when_the_store_is_down(app)
        report_fallbacks()
    elif uri == MEMORY and app.config.get("ENV_NAME") == "production":
        app.logger.warning(
            "Rate limits are counted in each worker's memory; set RATELIMIT_STORAGE_URI to a "
            "Redis URL so that several workers share them."
        )


def bind_limiter(app: Flask) -> None:
    """Bind the one Limiter to this app, then check the store.

    Flask-Limiter keeps some choices on the Limiter object across ``init_app`` calls: once an
    app enabled the in-memory fallback, every later app in the process had it too, and a store
    marked dead stayed dead. Each app here starts from its own configuration instead (tests
    build many apps in one process; production builds one).
    """
    from matcher.extensions import limiter

    limiter._in_memory_fallback_enabled = False
    limiter._storage_dead = False
    limiter.init_app(app)
    check_storage(app)


def check_storage(app: Flask) -> bool:
    """After the limiter is bound: is the shared store reachable? Logged as an error if not."""
    from matcher.extensions import limiter

    uri = app.config.get("RATELIMIT_STORAGE_URI") or MEMORY
    if not app.config.get("RATELIMIT_ENABLED", True) or not uri.startswith(SHARED_SCHEMES):
        return True
    try:
        reachable = bool(limiter.storage.check())
    except Exception:  # any driver error means the same thing here
        reachable = False
    if not reachable:
        if app.config.get("RATELIMIT_FAIL_CLOSED"):
            consequence = "limited pages answer 503 until it is back (RATELIMIT_FAIL_CLOSED)"
        else:
            consequence = (
                "limits fall back to each worker's own memory, so every limit is multiplied "
                "by the number of workers; set RATELIMIT_FAIL_CLOSED=true to refuse instead"
            )
        app.logger.error("RATE-LIMIT STORAGE UNREACHABLE at startup: %s", consequence)
    return reachable


def report_fallbacks() -> None:
    """Let Flask-Limiter's own warnings (storage lost, storage recovered) reach the log."""
    logger = logging.getLogger(LIMITER_LOGGER)
    if default_handler not in logger.handlers:
        logger.addHandler(default_handler)


def _answer_503_when_the_store_is_down(app: Flask) -> None:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return

    def store_down(_error: Exception) -> tuple[str, int, dict[str, str]]:
        from matcher.security.errors import error_page

        app.logger.error("Rate-limit storage unreachable: a limited request refused (fail closed)")
        return error_page(503), 503, {"Retry-After": "60"}

    app.register_error_handler(RedisError, store_down)
