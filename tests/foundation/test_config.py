"""Configuration: secrets, the database URL and cookie safety."""

from __future__ import annotations

import pytest

from matcher import create_app
from matcher.config import ConfigError, ProductionConfig, TestingConfig


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("SECRET_KEY", "DATABASE_URL", "MATCHER_ENV", "MATCHER_DATA_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_a_secret(clean_env: None) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_the_test_secret(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", TestingConfig.SECRET_KEY)
    with pytest.raises(ConfigError):
        create_app(ProductionConfig)


def test_production_refuses_a_short_secret(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret_and_secure_cookies(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("MATCHER_DATA_KEY", "A" * 43 + "=")  # base64 of 32 bytes
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 8 * 3600
    assert app.config["MAX_CONTENT_LENGTH"] is not None


def test_matcher_env_selects_production(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_unknown_matcher_env_is_refused(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_ENV", "staging-typo")
    with pytest.raises(ConfigError, match="staging-typo"):
        create_app()


def test_local_secret_is_generated_once_and_kept_private(clean_env: None, tmp_path) -> None:
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    secret_file = tmp_path / "instance" / "secret_key"
    assert secret_file.stat().st_mode & 0o077 == 0


def test_workers_starting_together_all_get_the_same_local_secret(tmp_path) -> None:
    """Several dev workers (gunicorn -w 4, or `flask run` plus a CLI command) share one key."""
    import multiprocessing

    from matcher.config import local_secret_key

    with multiprocessing.get_context("fork").Pool(8) as pool:
        keys = pool.map(local_secret_key, [str(tmp_path / "instance")] * 32)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert [p.name for p in (tmp_path / "instance").iterdir()] == ["secret_key"]


def test_default_database_is_sqlite_in_instance(clean_env: None, tmp_path) -> None:
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        tmp_path / "instance" / "lelp-match.sqlite3"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is False  # local http development


@pytest.mark.parametrize(
    "given",
    ["postgres://u@h:5432/d", "postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"],
)
def test_database_url_gets_the_psycopg3_driver(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", given)
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h:5432/d"


def test_templates_and_instance_are_found_from_the_project_root(clean_env: None, tmp_path) -> None:
    from matcher import PROJECT_ROOT

    app = create_app()
    assert app.template_folder == str(PROJECT_ROOT / "templates")
    assert app.instance_path == str(tmp_path / "instance")


def test_any_setting_can_come_from_the_environment(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_RETENTION_MONTHS", "18")
    monkeypatch.setenv("MATCHER_INTAKE_RATE_LIMIT", "5 per hour")
    app = create_app()
    assert app.config["RETENTION_MONTHS"] == 18
    assert app.config["INTAKE_RATE_LIMIT"] == "5 per hour"
