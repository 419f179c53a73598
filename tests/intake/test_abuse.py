"""Bots are turned away quietly; CSRF, size and rate limits answer with a clear page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant

from .catalog import ensure_compiled
from .payloads import done_link, student_post, tutor_post

ensure_compiled()
pytestmark = pytest.mark.db  # built with make_app, so conftest cannot see it uses the database


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Applicant))


@pytest.fixture
def build(make_app):
    """An app with the given config, an intake semester, and a client; torn down after."""
    apps = []

    def make(**config):
        application = make_app(**config)
        context = application.app_context()
        context.push()
        apps.append(context)
        from datetime import date

        from matcher.models import Semester

        db.session.add(
            Semester(
                name="Spring 2027",
                starts_on=date(2027, 3, 2),
                ends_on=date(2027, 6, 19),
                status="intake",
            )
        )
        db.session.commit()
        return application.test_client()

    yield make
    for context in reversed(apps):
        db.session.remove()
        db.engine.dispose()
        context.pop()


def fill_stamp(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)


def test_honeypot_gets_a_thank_you_and_saves_nothing(build) -> None:
    client = build(INTAKE_MIN_FILL_SECONDS=0)
    response = client.post("/apply/student", data=student_post(website="http://spam.example"))
    page = response.get_data(as_text=True)
    # The same thank-you page as a person gets, with a link that opens nothing.
    assert response.status_code == 200 and "신청서를 받았어요" in page
    assert client.get(done_link(response)).status_code == 404
    assert count() == 0


def test_a_form_sent_too_fast_is_kept_and_asked_again(build, monkeypatch) -> None:
    client = build(INTAKE_MIN_FILL_SECONDS=30)
    stamp = fill_stamp(client, "/apply/student")
    page = client.post("/apply/student", data=student_post(started=stamp)).get_data(as_text=True)
    assert count() == 0
    assert "다시 보내기를 눌러" in page and 'value="별빛*"' in page
    # A forged or missing stamp is treated the same way.
    client.post("/apply/student", data=student_post(started="forged"))
    assert count() == 0


def test_a_form_filled_at_human_speed_is_accepted(build, monkeypatch) -> None:
    client = build(INTAKE_MIN_FILL_SECONDS=30)
    stamp = fill_stamp(client, "/apply/tutor")
    from datetime import UTC, datetime, timedelta

    import matcher.intake.abuse as abuse

    later = datetime.now(UTC) + timedelta(seconds=31)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(abuse, "datetime", Clock)
    done_link(client.post("/apply/tutor", data=tutor_post(started=stamp)))
    assert count() == 1


def test_csrf_is_required_on_every_post(build) -> None:
    client = build(WTF_CSRF_ENABLED=True, INTAKE_MIN_FILL_SECONDS=0)
    response = client.post("/apply/student", data=student_post())
    assert response.status_code == 400 and "신청서 시간이 지났어요" in response.get_data(
        as_text=True
    )
    page = client.get("/apply/student").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done_link(client.post("/apply/student", data=student_post(csrf_token=token)))
    assert count() == 1


def test_an_oversized_request_gets_a_clear_413_page(build) -> None:
    client = build(INTAKE_MIN_FILL_SECONDS=0)
    response = client.post("/apply/student?lang=en", data=student_post(note="x" * 300_000))
    assert response.status_code == 413
    assert "That was too much to send" in response.get_data(as_text=True)
    assert count() == 0


def test_submissions_are_rate_limited_per_address(build) -> None:
    client = build(INTAKE_MIN_FILL_SECONDS=0, INTAKE_RATE_LIMIT="2 per hour")
    for n in range(2):
        client.post("/apply/student", data=student_post(email=f"s{n}@example.org"))
    response = client.post("/apply/student?lang=en", data=student_post(email="s9@example.org"))
    assert response.status_code == 429 and "Too many tries" in response.get_data(as_text=True)
    assert count() == 2
    assert client.get("/apply/student").status_code == 200  # reading the form is never limited
