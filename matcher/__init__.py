"""LELP Match: pairs North Korean refugee students with volunteer English tutors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | type | None = None) -> Flask:
    """Build the app; `config` is a config class or a mapping of overrides (tests use both)."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=os.environ.get("MATCHER_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
    )
    load_config(app, config)
    load_data_keys(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_pages(app)
    register_log_filters(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: Mapping[str, Any] | type | None) -> None:
    from matcher.config import config_class_from_env, resolve_secrets

    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_class_from_env())
        # Any setting can be overridden from the environment: MATCHER_RETENTION_MONTHS=18.
        app.config.from_prefixed_env("MATCHER")
        if config:
            app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    resolve_secrets(app.config, app.instance_path)


def load_data_keys(app: Flask) -> None:
    """The key for applicants' encrypted fields, kept on this app (why: matcher.crypto.keys)."""
    from matcher.crypto.keys import install_data_keys

    install_data_keys(app)


def register_security(app: Flask) -> None:
    from matcher.security import register

    register(app)


def register_extensions(app: Flask) -> None:
    from matcher.database import configure_engine
    from matcher.extensions import babel, csrf, db, login_manager, migrate
    from matcher.i18n import select_locale
    from matcher.security.ratelimit import bind_limiter

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bind_limiter(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    import matcher.auth.session  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    import matcher.intake.link_request
    from matcher.auth.views import blueprint as auth
    from matcher.coordinator.views import blueprint as coordinator
    from matcher.intake.session_views import blueprint as intake  # views + the session routes

    app.register_blueprint(intake)
    app.register_blueprint(auth)
    import matcher.coordinator.imports  # noqa: F401  (adds the upload routes)

    app.register_blueprint(coordinator)


def register_error_pages(app: Flask) -> None:
    """Every app-wide error page, in one place; a blueprint may answer its own errors first."""
    from matcher.security.errors import install

    install(app)


def register_log_filters(app: Flask) -> None:
    """Private-link tokens and query strings never reach a log."""
    from matcher.security.logs import install

    install(app)


def register_commands(app: Flask) -> None:
    from matcher.cli import register_commands as register

    register(app)
