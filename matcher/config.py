"""Configuration classes: safe defaults in code, secrets and the database from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from matcher.instance_files import read_or_create

MB = 1024 * 1024
DEFAULT_SECRET_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


class ConfigError(RuntimeError):
    """The service refuses to start rather than run with an unsafe setting."""


def database_url_from_env(instance_path: str) -> str:
    """DATABASE_URL if set (plain postgres:// URLs get the psycopg 3 driver), else SQLite in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "lelp-match.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def local_secret_key(instance_path: str) -> str:
    """A random key made once and kept in instance/ (git-ignored), so local sessions survive restarts."""
    return read_or_create(
        Path(instance_path) / DEFAULT_SECRET_FILE, lambda: secrets.token_urlsafe(48)
    )


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    # hide_parameters: a database error must not copy names or emails into the server log.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}  # noqa: RUF012
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    SESSION_COOKIE_NAME = "lelp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=2)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    IMPORT_MAX_BYTES = 20 * MB
    # Reading limits for an applicants file (see matcher/applicant_file/limits.py): a file past
    # them is refused with a message, whichever path reads it (CLI, preview, upload page).
    IMPORT_MAX_ROWS = 20_000
    IMPORT_MAX_COLUMNS = 100
    IMPORT_MAX_SHEET_XML = 64 * MB
    # Personal data of a closed semester is kept this long, then `flask purge` may remove it.
    RETENTION_MONTHS = 12
    MAX_CONTENT_LENGTH = IMPORT_MAX_BYTES + 1 * MB
    MAX_FORM_MEMORY_SIZE = 512 * 1024

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    # Flask-WTF's HTTPS check wants a Referer, which our no-referrer policy never lets a browser
    # send: left on, every post over HTTPS fails. security.cross_site checks Sec-Fetch-Site.
    WTF_CSRF_SSL_STRICT = False
    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"
    LANGUAGES = ("ko", "en")
    PRIVACY_NOTICE_VERSION = "2026-11"
    DEFAULT_SESSION_MINUTES = 60

    # Coordinator sign-in: sessions end after this long idle or this long in total, and an
    # account locks for a doubling delay after repeated failures (see services.accounts).
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 10
    # The lock counts failures per (account, client address), so it never locks out the
    # owner signing in from elsewhere; an address quiet for LOGIN_LOCK_FORGET_HOURS starts over.
    LOGIN_LOCK_AFTER_FAILURES = 5
    LOGIN_LOCK_BASE_SECONDS = 60
    LOGIN_LOCK_MAX_SECONDS = 3600
    LOGIN_LOCK_FORGET_HOURS = 24
    LOGIN_ADDRESS_LIMIT = 20
    LOGIN_ADDRESS_WINDOW_MINUTES = 15
    # Sign-in posts allowed before any password is hashed (auth.limits): per client address,
    # and for all addresses together (the CPU bound for argon2 under a distributed flood).
    LOGIN_RATE_LIMIT = "10 per minute; 60 per hour"
    LOGIN_GLOBAL_RATE_LIMIT = "120 per minute"

    # Said explicitly: Flask-Limiter's one Limiter object otherwise keeps the last app's choice
    # (an app built with limits off would switch them off for the next app in the process).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # With Redis unreachable: False falls back to per-worker memory counters (limits looser by
    # the number of workers); True answers 503 on limited pages instead (security.ratelimit).
    RATELIMIT_FAIL_CLOSED = False
    # The public address applicants' private links are built on (scheme://host[:port], no
    # path), never the request's Host header, which the client chooses. Set it in production.
    BASE_URL = "http://127.0.0.1:5000"
    INTAKE_RATE_LIMIT = "20 per hour"  # form submissions per address
    INTAKE_MIN_FILL_SECONDS = 4  # faster than this is a bot, not a person

    # Email (matcher.mail, services.mail). An empty MAIL_URL writes .eml files into
    # instance/outbox/. Links in messages are built from BASE_URL, never from a request's Host.
    MAIL_URL = ""
    MAIL_FROM = "LELP Match <lelp-match@example.org>"
    BASE_URL = "http://127.0.0.1:5000"
    MAIL_TIMEOUT_SECONDS = 30
    MAIL_MAX_ATTEMPTS = 8  # then failed for good (a 5xx answer fails at once)
    MAIL_RETRY_BASE_SECONDS = 60  # doubles after each temporary failure ...
    MAIL_RETRY_MAX_SECONDS = 6 * 3600  # ... up to this
    # A worker owns a message it took for this long; longer than any one send can take (the
    # timeout above), so another worker never sends it meanwhile, and after a crash it comes back.
    MAIL_CLAIM_SECONDS = 300
    MAIL_WORKER_IDLE_SECONDS = 10
    # "Email me my link": requests per address (the form), and emails per person per hour.
    LINK_REQUEST_RATE_LIMIT = "5 per hour"
    LINK_REQUESTS_PER_RECIPIENT = 3


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False  # served on http://127.0.0.1 locally
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105


class ProductionConfig(Config):
    ENV_NAME = "production"
    MIN_SECRET_LENGTH = 32


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class_from_env() -> type[Config]:
    name = os.environ.get("MATCHER_ENV", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"MATCHER_ENV={name!r} is not one of {', '.join(CONFIGS)}") from None


def resolve_secrets(config: dict, instance_path: str) -> None:
    """Fill SECRET_KEY and the database URL; refuse an unsafe production setup."""
    env_secret = os.environ.get("SECRET_KEY", "").strip()
    if env_secret:
        config["SECRET_KEY"] = env_secret
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(instance_path)
    if config.get("ENV_NAME") == "production":
        secret = config.get("SECRET_KEY") or ""
        weak = (
            len(secret) < ProductionConfig.MIN_SECRET_LENGTH or secret == TestingConfig.SECRET_KEY
        )
        if weak:
            raise ConfigError(
                "Production needs a real SECRET_KEY in the environment "
                f"(at least {ProductionConfig.MIN_SECRET_LENGTH} random characters)."
            )
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = local_secret_key(instance_path)
