"""The Alembic history builds exactly the schema the models describe, and unwinds cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from matcher.extensions import db
from matcher.models import User

# These tests build their own app (make_app), so conftest does not mark them `db`; without this
# mark the PostgreSQL pass (`pytest -m db`) would deselect them and never migrate PostgreSQL.
pytestmark = pytest.mark.db


def _schema_diff() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"semesters", "applicants", "matches", "users", "audit_events"} <= tables
        assert _schema_diff() == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_partial_unique_index_exists_after_migration(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("matches")}
        assert indexes["uq_matches_one_active_per_student"]["unique"]
        db.engine.dispose()


def test_accounts_from_before_the_temporary_password_flag_are_not_sent_to_change_it(
    make_app,
) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision="888ec8cf4117")  # the revision before users.must_change_password
        db.session.execute(
            text(
                "INSERT INTO users (name, email, password_hash, role, active, session_token,"
                " failed_logins, created_at) VALUES ('Old', 'old@example.org', 'x', 'admin',"
                " true, 'token', 0, '2026-11-01 09:00:00+00:00')"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.scalars(select(User)).one().must_change_password is False
        db.session.remove()
        db.engine.dispose()
