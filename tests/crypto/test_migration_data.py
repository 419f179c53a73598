"""The encryption migration: existing plaintext rows are encrypted on upgrade and restored on downgrade."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from matcher.extensions import db
from matcher.models import Applicant, Semester
from matcher.services.applicants.adding import find_applicant

BEFORE = "5d0c7a1e9b42"  # the revision before encryption
ENCRYPTION = "888ec8cf4117"
PEOPLE = [
    # (id, role, display_name, email, continue_with, note)
    (1, "student", "박 민지 🌸", "minji.park@example.org", "tutor.one@example.org", "야간 근무"),
    (2, "tutor", "Tutor One", "tutor.one@example.org", None, None),
    (3, "tutor", "مدرس عربي", "arabic.tutor@example.org", None, "note\nwith a line"),
]
NOW = "2026-11-01 09:00:00+00:00"


def _insert_plain_rows() -> None:
    db.session.execute(
        text(
            "INSERT INTO semesters (id, name, starts_on, ends_on, session_minutes, status,"
            " created_at) VALUES (1, 'Old', '2027-03-02', '2027-06-30', 60, 'matching', :now)"
        ),
        {"now": NOW},
    )
    for pid, role, name, email, partner, note in PEOPLE:
        db.session.execute(
            text(
                "INSERT INTO applicants (id, public_id, semester_id, role, display_name, email,"
                " timezone, availability, goals, levels, in_person, capacity, continue_with,"
                " note, language, status, consented_at, notice_version, consent_source,"
                " created_at, updated_at) VALUES (:id, :public_id, 1, :role, :name, :email,"
                " 'Asia/Seoul', 'Mon 19:00-21:00', 'conversation', 'beginner', false, 1,"
                " :partner, :note, 'ko', 'approved', :now, 'test', 'form', :now, :now)"
            ),
            {
                "id": pid,
                "public_id": f"{role[0].upper()}-MIGRATE{pid:03d}",
                "role": role,
                "name": name,
                "email": email,
                "partner": partner,
                "note": note,
                "now": NOW,
            },
        )
    db.session.commit()


def _raw_rows() -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            text(
                "SELECT id, role, display_name, email, continue_with, note FROM applicants"
                " ORDER BY id"
            )
        )
    ]


@pytest.mark.db
def test_upgrade_encrypts_existing_rows_and_downgrade_restores_them(make_app) -> None:
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade(revision=BEFORE)
        _insert_plain_rows()
        assert _raw_rows() == PEOPLE
        db.session.commit()  # end the read, or the migration waits for this session's lock

        upgrade(revision=ENCRYPTION)
        db.session.expire_all()
        raw = _raw_rows()
        for row in raw:
            assert all(v is None or v.startswith("v1:") for v in row[2:])
        assert not any(email in str(raw) for _, _, _, email, _, _ in PEOPLE)
        db.session.commit()
        upgrade()  # the models describe the newest schema: read through them only there
        loaded = [
            (a.id, a.role, a.display_name, a.email, a.continue_with, a.note)
            for a in db.session.query(Applicant).order_by(Applicant.id)
        ]
        assert loaded == PEOPLE
        semester = db.session.get(Semester, 1)
        assert find_applicant(semester, "tutor", "Tutor.One@example.org").id == 2
        db.session.commit()

        downgrade(revision=BEFORE)
        db.session.expire_all()
        assert _raw_rows() == PEOPLE
        db.session.commit()
        downgrade(revision="base")
        db.engine.dispose()
