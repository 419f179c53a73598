"""A real browser against a real server: the app on 127.0.0.1 in a thread, Debian's chromium."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from matcher.extensions import db
from matcher.models import Semester

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    application = make_app(INTAKE_MIN_FILL_SECONDS=1)
    with application.app_context():
        db.session.add(
            Semester(
                name="Spring 2027",
                starts_on=date(2027, 3, 2),
                ends_on=date(2027, 6, 19),
                status="intake",
            )
        )
        db.session.commit()
    return application


@contextmanager
def serving(application: Flask) -> Iterator[str]:
    """Serve `application` on a free 127.0.0.1 port in a thread; yield its URL, then stop it."""
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    application.config["BASE_URL"] = url  # private links are built on it, as in production
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def base_url(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as url:
        yield url


def screenshot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
