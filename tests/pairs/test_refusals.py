"""Low items of issue 13: races answer 409 "changed meanwhile", /healthz tells the truth about
the database, and a confirm with an absurd version number is refused rather than a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

import matcher.coordinator.matching as matching_pages
import matcher.services.semesters.stages as stages
from matcher.extensions import db
from matcher.models import Match, Semester

FALL = {"name": "Fall 2027", "start": "2027-09-01", "end": "2027-12-18", "session_minutes": "90"}


@pytest.fixture
def coordinator(client, make_user, login):
    login(client, make_user())
    return client


def test_healthz_is_ok_when_the_database_answers(client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_healthz_is_503_when_the_database_does_not_answer(make_app, tmp_path) -> None:
    unreachable = f"sqlite:///{tmp_path / 'no such folder' / 'gone.sqlite3'}"
    app = make_app(create_tables=False, SQLALCHEMY_DATABASE_URI=unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "database unreachable"}
    assert "sqlite" not in response.text and "gone" not in response.text


def test_a_confirm_with_a_4300_digit_version_is_refused_not_a_crash(
    coordinator, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    match = Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id)
    db.session.add(match)
    db.session.commit()
    url = f"/dashboard/semesters/{semester.id}/matching/confirm"
    response = coordinator.post(
        url, data={"selected": f"{match.public_id}:{'9' * 4300}"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "version this page never showed" in response.text
    db.session.rollback()
    assert db.session.get(Match, match.id).status == "proposed"


def test_two_coordinators_opening_intake_at_once_get_409_not_500(
    coordinator, make_semester, monkeypatch
) -> None:
    """The service checks that no semester is in intake; the other coordinator's semester is
    committed just after that check (simulated), so the database's own rule refuses ours."""
    spring = make_semester(name="Spring 2027", status="active")
    make_semester(name="Summer 2027", status="intake")
    db.session.commit()
    monkeypatch.setattr(stages, "intake_semester", lambda: None)
    response = coordinator.post(f"/dashboard/semesters/{spring.id}/start-next", data=FALL)
    assert response.status_code == 409
    assert "Changed meanwhile" in response.text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Semester)) == 2


def test_a_stale_write_in_a_pair_action_is_409_not_500(
    coordinator, make_semester, make_student, make_tutor, monkeypatch
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    match = Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id)
    db.session.add(match)
    db.session.commit()

    def stale(*_args, **_kwargs):  # an UPDATE that found its row's version already moved on
        raise StaleDataError("UPDATE statement on table 'matches' expected to update 1 row(s)")

    monkeypatch.setattr(matching_pages, "lock_pair", stale)
    response = coordinator.post(f"/dashboard/pairs/{match.public_id}/lock", data={"version": "1"})
    assert response.status_code == 409
    assert "reload the page" in response.text
