"""Shared fixtures: an app with a fresh database per test (SQLite file, or a fresh PostgreSQL schema).

As in Flask's own tutorial, `app` is only the application: a test that uses the database
directly asks for `app_ctx` (or a factory, which does), and each request the test client makes
gets its own app context, as it would on a server, even while the test holds one.
"""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.ctx import AppContext
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from matcher import create_app
from matcher.config import TestingConfig
from matcher.domain import ApplicantDraft
from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.models import Applicant, Semester, User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

# Hypothesis profiles, chosen here once for the whole run (before any test module is imported)
# by HYPOTHESIS_PROFILE: `ci` (what .ci/run sets, and the default), `dev` or `thorough`.
settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=150, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Test semesters run in 2027. The engine counts only the weeks still ahead while a semester is
# under way (`rematch_from`), so the tests see the whole semester by pinning "today" before it.
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Seoul's "today" for the engine, the same whenever the suite runs."""
    monkeypatch.setattr("matcher.services.pairs.engine_input.seoul_today", lambda: TODAY)
    return TODAY


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use the app's database are marked `db`; CI runs only those again on PostgreSQL."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def database_url(tmp_path: Any) -> Iterator[str]:
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def engine_settings(database_url: str) -> dict[str, Any]:
    """Config keys that point the app at this test's database (a schema name means PostgreSQL)."""
    if database_url.startswith("sqlite"):
        return {"SQLALCHEMY_DATABASE_URI": database_url}
    return {
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "hide_parameters": True,
            "connect_args": {"options": f"-c search_path={database_url}"},
        },
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Flask reuses an app context that is already pushed, so a request made while a test holds
    one would share its `g` (Flask-Login's cached user, the chosen language) and its database
    session with the test and with every other request. Here each request runs in an empty
    `contextvars` context, so Flask pushes a fresh app context for it, as a server does. What
    the test added is committed first, so the request sees it; afterwards the test's session
    forgets what it had loaded, so the test reads what the request wrote.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


class IsolatedCliRunner(FlaskCliRunner):
    """A CLI runner whose commands get their own app context, as `flask <command>` gives them,
    never the test's (the same reasons as :class:`IsolatedClient`)."""

    def invoke(self, cli: Any = None, args: Any = None, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()

        def run() -> Any:
            with self.app.app_context():
                return super(IsolatedCliRunner, self).invoke(cli, args, **kwargs)

        result = contextvars.Context().run(run)
        if has_app_context():
            db.session.expire_all()
        return result


@pytest.fixture
def make_app(
    database_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Flask]:
    """Build an app on this test's database; keyword arguments override config keys."""
    monkeypatch.setenv("MATCHER_INSTANCE_PATH", str(tmp_path / "instance"))

    def build(create_tables: bool = True, **overrides: Any) -> Flask:
        config = {
            **{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
            "WTF_CSRF_ENABLED": False,
            **engine_settings(database_url),
            **overrides,
        }
        app = create_app(config)
        app.test_client_class = IsolatedClient
        app.test_cli_runner_class = IsolatedCliRunner
        if create_tables:
            with app.app_context():
                db.create_all()
        return app

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    yield application
    with application.app_context():  # close its connections
        db.engine.dispose()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[AppContext]:
    """The app's context for the whole test, for tests that use the database directly."""
    with app.app_context() as context:
        yield context
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# ----- factories -------------------------------------------------------------------------------


def PersonFields(**fields: Any) -> ApplicantDraft:
    """An applicant draft with sensible defaults; tests override what they care about."""
    defaults: dict[str, Any] = {
        "timezone": "Asia/Seoul",
        "windows": parse_windows("Mon 19:00-21:00; Sat 10:00-12:00"),
        "goals": frozenset({"conversation"}),
        "levels": frozenset({"intermediate"}),
    }
    return ApplicantDraft(**(defaults | fields))


@pytest.fixture
def make_semester(app_ctx: AppContext) -> Callable[..., Semester]:
    counter = iter(range(1, 10_000))

    def build(**overrides: Any) -> Semester:
        values = {
            "name": f"Spring 2027 #{next(counter)}",
            "starts_on": date(2027, 3, 2),
            "ends_on": date(2027, 6, 19),
            "session_minutes": 60,
            "status": "matching",
            **overrides,
        }
        semester = Semester(**values)
        db.session.add(semester)
        db.session.flush()
        return semester

    return build


def _applicant_factory(
    role: str, make_semester: Callable[..., Semester]
) -> Callable[..., Applicant]:
    from matcher.services.applicants.adding import add_applicant

    counter = iter(range(1, 100_000))

    def build(
        semester: Semester | None = None,
        *,
        status: str = "approved",
        windows: str | None = None,
        **overrides: Any,
    ) -> Applicant:
        n = next(counter)
        semester = semester or make_semester()
        fields = PersonFields(
            role=role, display_name=f"{role.title()} {n}", email=f"{role}{n}@example.org"
        )
        if windows is not None:
            overrides["windows"] = parse_windows(windows)
        fields = replace(fields, **overrides)
        return add_applicant(semester, fields, status=status, notice_version="test")

    return build


@pytest.fixture
def make_student(make_semester: Callable[..., Semester]) -> Callable[..., Applicant]:
    return _applicant_factory("student", make_semester)


@pytest.fixture
def make_tutor(make_semester: Callable[..., Semester]) -> Callable[..., Applicant]:
    return _applicant_factory("tutor", make_semester)


@pytest.fixture
def make_user(app_ctx: AppContext) -> Callable[..., User]:
    from matcher.services.accounts.users import create_user

    counter = iter(range(1, 10_000))

    def build(
        *, admin: bool = False, password: str = "correct horse battery", **overrides: Any
    ) -> User:
        n = next(counter)
        user = create_user(
            overrides.pop("email", f"coordinator{n}@example.org"),
            overrides.pop("name", f"Coordinator {n}"),
            password,
            admin=admin,
            actor="test",
        )
        for key, value in overrides.items():
            setattr(user, key, value)
        db.session.flush()
        return user

    return build


# ----- dashboard fixtures ----------------------------------------------------------------------

DEFAULT_TEST_PASSWORD = "correct horse battery"  # make_user's default


@pytest.fixture
def login(app_ctx: AppContext) -> Callable[..., Any]:
    """Sign a test client in through the real form, so lockout, session start and audit all run."""

    def sign_in(client: FlaskClient, user: User, password: str = DEFAULT_TEST_PASSWORD) -> Any:
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.text
        return response

    return sign_in
