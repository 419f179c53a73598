"""Public pages keep answering while a coordinator imports or matches (issue 13, SQLite).

SQLite has one writer at a time. Before, every transaction began IMMEDIATE from its first query
(GET pages included) and a matching run or an upload held the write lock while it solved or
parsed, so public pages waited out the busy timeout and answered 500 "database is locked".
Here the solve and the parse are slowed down and the busy timeout is short: every public page
asked meanwhile must answer 200, and the coordinator's work must still be saved.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from conftest import DEFAULT_TEST_PASSWORD
from flask import Flask
from sqlalchemy import func, select

import matcher.cli.applicants as import_command
import matcher.coordinator.imports as import_pages
import matcher.services.pairs.matching as matching_service
from matcher.extensions import db
from matcher.models import Applicant, Match, MatchRun

SLOW_SECONDS = 1.5
PUBLIC_PAGES = ("/", "/privacy", "/apply/student", "/apply/tutor", "/healthz")
CSV = (
    b"role,display_name,email,timezone,availability,goals,level,capacity\r\n"
    b"student,Byeol 1,lock.student1@example.org,Asia/Seoul,Mon 19:00-21:00,conversation,"
    b"beginner,\r\n"
    b"tutor,Quill 2,lock.tutor2@example.org,Asia/Seoul,Mon 19:00-21:00,conversation,"
    b"beginner,1\r\n"
)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A short busy timeout: a page that had to wait for the write lock would fail quickly."""
    application = make_app(SQLITE_BUSY_TIMEOUT_MS=200)
    yield application
    with application.app_context():  # close its connections
        db.engine.dispose()


def _slowed(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> threading.Event:
    """Replace module.name with a version that signals, then takes SLOW_SECONDS longer."""
    started = threading.Event()
    real = getattr(module, name)

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        time.sleep(SLOW_SECONDS)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    return started


def _public_pages_while(app: Flask, started: threading.Event, work: threading.Thread) -> list:
    """Ask the public pages over and over while `work` runs; (path, status) of each answer."""
    assert started.wait(timeout=30), "the coordinator's work never started"
    public = app.test_client()
    answers = []
    while work.is_alive():
        for path in PUBLIC_PAGES:
            answers.append((path, public.get(path).status_code))
    return answers


@pytest.fixture
def coordinator(client, make_user, login):
    login(client, make_user())
    return client


@pytest.mark.parametrize(("action", "answer", "runs"), [("run", 302, 1), ("preview", 200, 0)])
def test_public_pages_answer_while_a_matching_run_solves(
    app, coordinator, make_semester, make_student, make_tutor, monkeypatch, action, answer, runs
) -> None:
    semester = make_semester()
    make_student(semester), make_tutor(semester)
    semester_id = semester.id
    db.session.commit()
    started = _slowed(monkeypatch, matching_service, "propose_matches")
    saved = []
    work = threading.Thread(
        target=lambda: saved.append(
            coordinator.post(f"/dashboard/semesters/{semester_id}/matching/{action}").status_code
        )
    )
    work.start()
    answers = _public_pages_while(app, started, work)
    work.join()
    assert answers and all(status == 200 for _path, status in answers), answers
    assert saved == [answer]
    db.session.rollback()  # read what the requests wrote
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == runs
    assert db.session.scalar(select(func.count()).select_from(Match)) == runs


def test_public_pages_answer_while_an_upload_is_parsed_and_imported(
    app, coordinator, make_semester, monkeypatch
) -> None:
    semester_id = make_semester().id
    db.session.commit()
    started = _slowed(monkeypatch, import_pages, "read_applicant_file")
    url = f"/dashboard/semesters/{semester_id}/import"
    answers: dict[str, object] = {}

    def upload_then_confirm() -> None:
        form = {"file": (io.BytesIO(CSV), "spring.csv"), "status": "approved"}
        preview = coordinator.post(url, data=form, content_type="multipart/form-data")
        answers["preview"] = preview.status_code
        token = preview.text.split('name="token" type="hidden" value="')[1].split('"')[0]
        answers["done"] = coordinator.post(f"{url}/confirm", data={"token": token}).text

    work = threading.Thread(target=upload_then_confirm)
    work.start()
    pages = _public_pages_while(app, started, work)
    work.join()
    assert pages and all(status == 200 for _path, status in pages), pages
    assert answers["preview"] == 200
    assert "2 new applicants added" in str(answers["done"])
    db.session.rollback()  # read what the requests wrote
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 2


def test_sign_in_and_public_pages_answer_while_match_propose_solves_on_the_command_line(
    app, runner, make_semester, make_student, make_tutor, make_user, monkeypatch
) -> None:
    """Reading never waits; a write (signing in records it) waits only for the brief store."""
    semester = make_semester(name="Autumn 2027")
    make_student(semester), make_tutor(semester)
    user = make_user()
    credentials = {"email": user.email, "password": DEFAULT_TEST_PASSWORD}
    db.session.commit()
    started = _slowed(monkeypatch, matching_service, "propose_matches")
    outcome = []
    work = threading.Thread(
        target=lambda: outcome.append(
            runner.invoke(args=["match", "propose", "--semester", "Autumn 2027"])
        )
    )
    work.start()
    assert started.wait(timeout=30)
    signed_in = app.test_client().post("/login", data=credentials)
    answers = _public_pages_while(app, started, work)
    work.join()
    assert signed_in.status_code == 302, signed_in.text
    assert answers and all(status == 200 for _path, status in answers), answers
    assert outcome[0].exit_code == 0, outcome[0].output
    assert "Matched 1 of 1 students" in outcome[0].output


def test_sign_in_answers_while_applicants_import_parses_on_the_command_line(
    app, runner, make_semester, make_user, monkeypatch, tmp_path
) -> None:
    make_semester(name="Autumn 2027")
    user = make_user()
    credentials = {"email": user.email, "password": DEFAULT_TEST_PASSWORD}
    db.session.commit()
    sheet = tmp_path / "autumn.csv"
    sheet.write_bytes(CSV)
    started = _slowed(monkeypatch, import_command, "read_applicant_path")
    outcome = []
    work = threading.Thread(
        target=lambda: outcome.append(
            runner.invoke(args=["applicants", "import", "--semester", "Autumn 2027", str(sheet)])
        )
    )
    work.start()
    assert started.wait(timeout=30)
    signed_in = app.test_client().post("/login", data=credentials)
    work.join()
    assert signed_in.status_code == 302, signed_in.text
    assert outcome[0].exit_code == 0, outcome[0].output
    assert "2 new applicants added" in outcome[0].output
