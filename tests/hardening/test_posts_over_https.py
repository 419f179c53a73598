"""Forms work over HTTPS although browsers send no Referer, and posts from other sites are refused.

Production pages say ``Referrer-Policy: no-referrer``, so a real browser posts our forms with
no ``Referer`` header; Flask-WTF's default HTTPS check would refuse each of those posts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from conftest import DEFAULT_TEST_PASSWORD
from flask import Flask
from flask.testing import FlaskClient
from intake.payloads import student_post
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant

HTTPS = "https://lelp.example.org"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """CSRF protection and Secure cookies on, as in production."""
    application = make_app(
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
        INTAKE_MIN_FILL_SECONDS=0,
    )
    yield application
    with application.app_context():  # close its connections
        db.engine.dispose()


def token(client: FlaskClient, path: str) -> str:
    page = client.get(path, base_url=HTTPS)
    assert page.status_code == 200
    return TOKEN.search(page.get_data(as_text=True))[1]


def applicants() -> int:
    return db.session.scalar(select(func.count()).select_from(Applicant))


def test_a_coordinator_signs_in_over_https_without_a_referer(app, make_user) -> None:
    user = make_user(email="coordinator@example.org")
    db.session.commit()
    client = app.test_client()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": DEFAULT_TEST_PASSWORD,
            "csrf_token": token(client, "/login"),
        },
        base_url=HTTPS,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard")


def test_a_sign_up_over_https_without_a_referer_is_saved(app, make_semester) -> None:
    make_semester(status="intake")
    db.session.commit()
    client = app.test_client()
    post = student_post(csrf_token=token(client, "/apply/student"))
    response = client.post("/apply/student", data=post, base_url=HTTPS)
    assert response.status_code == 200 and 'id="private-link"' in response.text
    assert applicants() == 1


def test_a_post_from_another_site_is_refused_and_stores_nothing(
    app, make_app, make_semester
) -> None:
    make_semester(status="intake")
    db.session.commit()
    client = app.test_client()
    post = student_post(csrf_token=token(client, "/apply/student"))
    for site in ("cross-site", "same-site"):
        response = client.post(
            "/apply/student?lang=en", data=post, base_url=HTTPS, headers={"Sec-Fetch-Site": site}
        )
        assert response.status_code == 400
    assert applicants() == 0
    # The same post, labelled by the browser as coming from our own page, goes through.
    response = client.post(
        "/apply/student", data=post, base_url=HTTPS, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 200 and applicants() == 1
