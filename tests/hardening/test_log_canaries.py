"""Logs hold no personal data, passwords, tokens or cookies: canaries go in, none come out.

A real server (werkzeug's, as `flask run` uses) handles the requests so that its request log
lines are captured too, not only what the app itself logs.
"""

from __future__ import annotations

import http.cookiejar
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from intake.payloads import student_post
from werkzeug.serving import make_server

from matcher.extensions import db
from matcher.services.accounts.users import create_user

NAME = "Canaryname Pyeon*"
EMAIL = "canary.mail.q7@example.org"
NOTE = "canary-note-zx81 전화 010-0000-0000"
PASSWORD = "Canary-Password-ww93-secret"
WRONG_PASSWORD = "Canary-Wrong-Password-kk21"
COORDINATOR_NAME = "Canarycoord Han"
COORDINATOR_EMAIL = "canary.coordinator.p4@example.org"
CANARIES = [NAME, "Canaryname", EMAIL, NOTE, "canary-note-zx81", PASSWORD, WRONG_PASSWORD]
CANARIES += [COORDINATOR_NAME, "Canarycoord", COORDINATOR_EMAIL]


@pytest.fixture
def live_server(make_app, make_semester, monkeypatch):
    app = make_app(INTAKE_MIN_FILL_SECONDS=0)
    with app.app_context():
        make_semester(status="intake")
        create_user(COORDINATOR_EMAIL, COORDINATOR_NAME, PASSWORD, admin=True, actor="test")
        db.session.commit()
    # An in-process Alembic run earlier in the session disables every logger that existed
    # then (logging.config.fileConfig); this test must hear everything that would be logged.
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            monkeypatch.setattr(logger, "disabled", False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_no_canary_reaches_any_log(live_server, caplog) -> None:
    app, base = live_server
    applicant = Browser(base)
    coordinator = Browser(base)
    with caplog.at_level(logging.DEBUG):
        # Sign-up with canaries in every free-text field; the private link comes back once.
        status, page, headers = applicant.open(
            "/apply/student", student_post(display_name=NAME, email=EMAIL, note=NOTE)
        )
        assert status == 200, headers
        token = re.search(r"/me/([A-Za-z0-9_\-]{20,})", page).group(1)
        assert applicant.open(f"/me/{token}")[0] == 200
        assert applicant.open(f"/me/{token}/edit")[0] == 200

        # A failed and a good sign-in, then the dashboard pages that show the canaries.
        login = {"email": COORDINATOR_EMAIL, "password": WRONG_PASSWORD}
        assert coordinator.open("/login", login)[0] == 401
        status, _, headers = coordinator.open("/login", {**login, "password": PASSWORD})
        assert status == 302, headers
        status, _, headers = coordinator.open("/dashboard/")
        assert status == 302 and "/login" not in headers["Location"]  # on to the semester
        assert coordinator.open(headers["Location"])[0] == 200
        with app.app_context():
            from matcher.models import Applicant

            student = db.session.query(Applicant).filter_by(role="student").one()
            semester_id, public_id = student.semester_id, student.public_id
        status, page, _ = coordinator.open(
            f"/dashboard/semesters/{semester_id}/applicants?q={urllib.parse.quote(NAME)}"
        )
        assert status == 200 and "Canaryname" in page  # the page shows it; the log must not
        status, page, _ = coordinator.open(f"/dashboard/applicants/{public_id}")
        assert status == 200 and EMAIL in page

    cookies = [c.value for c in [*applicant.jar, *coordinator.jar] if len(c.value) > 8]
    assert cookies, "the sign-in must have set a session cookie"
    text = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    request_lines = [r for r in caplog.records if r.name == "werkzeug"]
    assert len(request_lines) >= 9, "the server's request log must have been captured"
    for canary in [*CANARIES, token, *cookies]:
        assert canary not in text, f"{canary[:12]}… reached a log"
    assert "/me/[redacted]" in caplog.text and "?[query removed]" in caplog.text


def test_gunicorn_access_lines_lose_the_query_string(make_app) -> None:
    """gunicorn passes its atoms as a dict; the search text must go from every one of them."""
    make_app()  # loading the app installs the filters, as in a gunicorn worker
    logger = logging.getLogger("gunicorn.access")
    record = logger.makeRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s %(q)s %({query_string}e)s %({raw_uri}e)s',
        (
            {
                "h": "127.0.0.1",
                "r": f"GET /dashboard/semesters/1/applicants?q={NAME} HTTP/1.1",
                "s": "200",
                "q": f"q={NAME}",
                "{query_string}e": f"q={NAME}",
                "{raw_uri}e": f"/dashboard/semesters/1/applicants?q={NAME}",
            },
        ),
        None,
    )
    for log_filter in logger.filters:
        log_filter.filter(record)
    line = record.getMessage()
    assert "Canaryname" not in line and "/dashboard/semesters/1/applicants" in line
