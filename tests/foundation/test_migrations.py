"""The Alembic history builds exactly the schema the models describe, and unwinds cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from matcher.crypto.fields import encrypt
from matcher.crypto.keys import current_keys
from matcher.crypto.lookup import email_hash
from matcher.domain import ApplicantStatus, KoreanAbility, Role, SemesterStatus
from matcher.extensions import db
from matcher.models import Applicant, User

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


def _check_constraints() -> dict[str, dict[str, str]]:
    """Every table's CHECK constraints by name, as the database reports them."""
    inspector = inspect(db.engine)
    return {
        table: {ck["name"]: ck["sqltext"] for ck in inspector.get_check_constraints(table)}
        for table in ("semesters", "applicants", "matches", "users")
    }


def test_the_migrated_checks_are_the_ones_the_enum_columns_declare(make_app) -> None:
    """Autogenerate ignores CHECKs, so compare them here: same names everywhere, and on SQLite
    (which keeps the text as written) the same rule text as a database built from the models."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        migrated = _check_constraints()
        downgrade(revision="base")
        db.metadata.create_all(db.engine)
        declared = _check_constraints()
        db.metadata.drop_all(db.engine)
        dialect = db.engine.dialect.name
        db.engine.dispose()
    assert {t: set(c) for t, c in migrated.items()} == {t: set(c) for t, c in declared.items()}
    assert "ck_applicants_gender_known" in migrated["applicants"]
    if dialect == "sqlite":
        assert migrated == declared


def test_rows_from_before_the_enum_columns_keep_their_values_and_rules(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision="c3a7e5d1f902")  # the revision before the checks came from the enums
        _insert_semester_and_applicant(gender=None, korean="basic")
        db.session.commit()
        upgrade()
        applicant = db.session.scalars(select(Applicant)).one()
        assert (applicant.role, applicant.status, applicant.gender, applicant.korean) == (
            Role.TUTOR,
            ApplicantStatus.APPROVED,
            None,
            KoreanAbility.BASIC,
        )
        assert applicant.semester.status is SemesterStatus.MATCHING
        db.session.execute(text("UPDATE applicants SET gender = 'female'"))
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE applicants SET gender = 'robot'"))
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE applicants SET korean = 'some'"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def _insert_semester_and_applicant(**columns: object) -> None:
    """Raw rows, as an older schema holds them (personal fields encrypted as the app does)."""
    db.session.execute(
        text(
            "INSERT INTO semesters (id, name, starts_on, ends_on, session_minutes, status,"
            " created_at) VALUES (1, 'Spring 2027', '2027-03-02', '2027-06-19', 60, 'matching',"
            " '2026-11-01 09:00:00+00:00')"
        )
    )
    _insert_applicant(**columns)


def _insert_applicant(**columns: object) -> None:
    keys = current_keys()
    values = {
        "id": 1,
        "public_id": "T-ABCDEFGHJK",
        "semester_id": 1,
        "role": "tutor",
        "display_name": encrypt("Jun*", "display_name", keys),
        "email": encrypt("jun@example.org", "email", keys),
        "email_hash": email_hash("jun@example.org"),
        "timezone": "Europe/London",
        "availability": "Mon 19:00-21:00",
        "goals": "conversation",
        "levels": "beginner",
        "gender": None,
        "gender_preference": None,
        "korean": None,
        "in_person": False,
        "capacity": 1,
        "language": "en",
        "status": "approved",
        "consented_at": "2026-11-01 09:00:00+00:00",
        "notice_version": "t",
        "consent_source": "form",
        "created_at": "2026-11-01 09:00:00+00:00",
        "updated_at": "2026-11-01 09:00:00+00:00",
        **columns,
    }
    names = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    db.session.execute(text(f"INSERT INTO applicants ({names}) VALUES ({params})"), values)


def test_people_erased_before_erased_at_existed_are_marked_erased(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision="c1659cd3f620")  # the revision before applicants.erased_at
        keys = current_keys()
        _insert_semester_and_applicant(
            display_name=encrypt("(erased)", "display_name", keys),
            status="withdrawn",
            timezone="UTC",
        )
        _insert_applicant(  # withdrawn, from UTC too, but never erased: keeps its name
            id=2,
            public_id="T-MNPQRSTUVW",
            display_name=encrypt("Mina*", "display_name", keys),
            email_hash="1" * 64,
            status="withdrawn",
            timezone="UTC",
        )
        db.session.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, target, outcome, detail) VALUES"
                " ('2026-11-20 10:00:00+00:00', 'user:1', 'applicant.erase', 'T-ABCDEFGHJK',"
                " 'ok', '{}')"
            )
        )
        db.session.commit()
        upgrade()
        erased, kept = db.session.scalars(select(Applicant).order_by(Applicant.id)).all()
        assert erased.erased_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
        assert erased.display_name == "(erased)"
        assert kept.erased_at is None and kept.display_name == "Mina*"
        db.session.remove()
        db.engine.dispose()
