"""The notes migration: end reasons, override notes and exclusion reasons already stored in
plain text are encrypted on upgrade and restored on downgrade; the table rebuilds SQLite needs
on the way lose no row and no reference (migrations/env.py turns foreign keys off for them)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from matcher.extensions import db
from matcher.models import Exclusion, Match

from .test_migration_data import BEFORE, NOW, _insert_plain_rows

NOTES = "b71e4d2c9a05"
BEFORE_NOTES = "e4b9c2d7a1f3"
END_REASON = "민지 moved to Busan 🌸"
OVERRIDE = "Tutor One knows 박 민지's family"
EXCLUDED = "مدرس عربي and Minji did not get along"


def _insert_plain_notes() -> None:
    db.session.execute(
        text(
            "INSERT INTO users (id, name, email, password_hash, role, active, session_token,"
            " failed_logins, created_at) VALUES (1, 'Coordinator', 'c@example.org', 'x',"
            " 'admin', true, 'token', 3, :now)"
        ),
        {"now": NOW},
    )
    db.session.execute(
        text(
            "INSERT INTO matches (id, public_id, semester_id, student_id, tutor_id, status, score,"
            " score_breakdown, shared_goals, windows_seoul, windows_student_local,"
            " windows_tutor_local, manual_override_note, created_at, updated_at, ended_at,"
            " end_reason, confirmed_by_id, version) VALUES (1, 'P-MIGRATE01', 1, 1, 2, 'ended',"
            " 1.0, '{}', '', '', '', '', :override, :now, :now, :now, :reason, 1, 1)"
        ),
        {"override": OVERRIDE, "reason": END_REASON, "now": NOW},
    )
    db.session.execute(
        text(
            "INSERT INTO exclusions (id, semester_id, student_id, tutor_id, reason, created_by_id,"
            " created_at) VALUES (1, 1, 1, 3, :reason, 1, :now)"
        ),
        {"reason": EXCLUDED, "now": NOW},
    )
    db.session.commit()


def _raw() -> list[str | None]:
    match = db.session.execute(text("SELECT end_reason, manual_override_note FROM matches"))
    reason = db.session.execute(text("SELECT reason FROM exclusions")).scalar_one()
    return [*match.one(), reason]


@pytest.mark.db
def test_existing_notes_are_encrypted_on_upgrade_and_restored_on_downgrade(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision=BEFORE)
        _insert_plain_rows()
        _insert_plain_notes()
        upgrade(revision=NOTES)
        db.session.expire_all()
        raw = _raw()
        assert all(value.startswith("v1:") for value in raw), raw
        assert not any(word in str(raw) for word in ("Busan", "Tutor One", "get along"))
        match = db.session.scalars(select(Match)).one()
        assert (match.end_reason, match.manual_override_note) == (END_REASON, OVERRIDE)
        exclusion = db.session.scalars(select(Exclusion)).one()
        assert exclusion.reason == EXCLUDED
        # SQLite rebuilds `applicants` and `users` on the way: no pair deleted, no reference lost.
        assert (match.confirmed_by_id, exclusion.created_by_id) == (1, 1)
        db.session.commit()

        downgrade(revision=BEFORE_NOTES)
        db.session.expire_all()
        assert _raw() == [END_REASON, OVERRIDE, EXCLUDED]
        db.session.commit()
        downgrade(revision="base")
        db.engine.dispose()
