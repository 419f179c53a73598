"""A coordinator's afternoon in a real browser: sign in, approve, match, adjust, confirm, re-match."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import PersonFields
from flask import Flask

from matcher.domain.windows import parse_windows
from matcher.extensions import db
from matcher.models import Semester
from matcher.services.accounts.users import create_user
from matcher.services.applicants.adding import add_applicant

from .server import CHROMIUM, CHROMIUM_ARGS, screenshot, serving

PASSWORD = "walkthrough passphrase"
EMAIL = "walker@example.org"


@pytest.fixture
def dashboard_app(make_app: Callable[..., Flask]) -> Flask:
    """A semester in matching with pending sign-ups (synthetic people) and one coordinator."""
    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        create_user(EMAIL, "Walker", PASSWORD, actor="test")
        semester = Semester(
            name="Walkthrough Spring 2027",
            starts_on=date(2027, 3, 2),
            ends_on=date(2027, 6, 19),
            status="matching",
        )
        db.session.add(semester)
        db.session.flush()
        evening = parse_windows("Mon 19:00-21:00; Wed 19:00-21:00")
        for n in range(1, 5):
            for role in ("student", "tutor"):
                fields = PersonFields(
                    role=role,
                    display_name=f"Walk {role.title()} {n}",
                    email=f"walk-{role}{n}@example.org",
                    windows=evening,
                )
                add_applicant(semester, fields, status="pending", notice_version="test")
        night = replace(
            PersonFields(role="student", display_name="Night Owl", email="owl@example.org"),
            windows=parse_windows("Sun 03:00-04:00"),
        )
        add_applicant(semester, night, status="pending", notice_version="test")
        db.session.commit()
        db.session.remove()
    return application


@pytest.fixture
def dashboard_url(dashboard_app: Flask) -> Iterator[str]:
    with serving(dashboard_app) as url:
        yield url


def in_own_chromium(walk: Callable[[object], None]) -> None:
    """Run `walk(browser)` in a thread with its own Playwright.

    Playwright's sync API allows one instance per thread; the sign-up tests keep a
    session-wide one on the main thread, so this walk-through takes a thread of its own and
    works whichever order the tests run in.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    failures: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
                try:
                    walk(browser)
                finally:
                    browser.close()
        except BaseException as error:  # re-raised on the test's thread below
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the browser walk-through hung"
    if failures:
        raise failures[0]


@pytest.mark.browser
def test_coordinator_takes_a_semester_from_sign_ups_to_confirmed_pairs(
    dashboard_url: str,
) -> None:
    in_own_chromium(lambda browser: walk_through(browser, dashboard_url))


def walk_through(browser, dashboard_url: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Anonymous visitors are sent to sign in; a wrong password gets the generic message.
    page.goto(f"{dashboard_url}/dashboard/")
    assert "/login" in page.url
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("Sign-in failed")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#heat-map")
    screenshot(page, "dashboard-overview")

    # Approve every sign-up from the applicants table.
    page.click("nav.dashboard-nav >> text=Applicants")
    page.wait_for_selector("#applicants")
    for box in page.query_selector_all("input[name=selected]"):
        box.check()
    screenshot(page, "dashboard-applicants")
    page.click("#approve-selected")
    expect(page.locator("main")).to_contain_text("Approved 9 applicant(s).")

    # Run matching: preview first, then save.
    page.click("nav.dashboard-nav >> text=Matching")
    page.click("#preview-run")
    expect(page.locator("#preview-summary")).to_contain_text("4 of 5 students would be matched")
    screenshot(page, "dashboard-preview")
    page.click("#save-run")
    page.wait_for_selector("#pairs")
    expect(page.locator('#pairs tr[data-status="proposed"]')).to_have_count(4)

    # Lock one pair, exclude another.
    first = page.locator('#pairs tr[data-status="proposed"]').nth(0)
    locked_id = first.get_attribute("id")
    first.locator("button.lock").click()
    expect(page.locator("main")).to_contain_text("every later run keeps it")
    expect(page.locator(f"#{locked_id}")).to_have_attribute("data-status", "locked")
    victim = page.locator('#pairs tr[data-status="proposed"]').nth(0)
    excluded_id = victim.get_attribute("id")
    victim.locator("input[name=reason]").fill("asked not to be paired")
    victim.locator("button.exclude").click()
    expect(page.locator("main")).to_contain_text("never proposed again")
    expect(page.locator(f"#{excluded_id}")).to_have_count(0)
    screenshot(page, "dashboard-pairs-adjusted")

    # Re-run: the diff is shown before saving; the locked pair is kept.
    page.click("#preview-run")
    page.wait_for_selector("#diff")
    expect(page.locator("#diff tr.diff-kept").first).to_be_visible()
    screenshot(page, "dashboard-rerun-diff")
    page.click("#save-run")
    expect(page.locator(f"#{locked_id}")).to_have_attribute("data-status", "locked")
    expect(page.locator("#pairs tbody tr")).to_have_count(4)

    # Confirm everything.
    page.click("#confirm-all")
    expect(page.locator("main")).to_contain_text("Confirmed 4 pair(s).")
    expect(page.locator('#pairs tr[data-status="confirmed"]')).to_have_count(4)
    screenshot(page, "dashboard-confirmed")

    # End one match mid-semester and re-match the freed people.
    ending = page.locator('#pairs tr[data-status="confirmed"]').nth(1)
    ending.locator("input[name=reason]").fill("student moved to another city")
    ending.locator("button.end").click()
    expect(page.locator("main")).to_contain_text("re-run matching")
    expect(page.locator("#pairs tbody tr")).to_have_count(3)
    page.click("#preview-run")
    page.click("#save-run")
    expect(page.locator('#pairs tr[data-status="proposed"]')).to_have_count(1)
    expect(page.locator('#pairs tr[data-status="confirmed"]')).to_have_count(3)

    # The unmatched page explains who is left and why; the audit trail recorded it all.
    page.click("text=Who is unmatched and why")
    expect(page.locator("#unmatched")).to_contain_text("Night Owl")
    screenshot(page, "dashboard-unmatched")
    page.click("nav.dashboard-nav >> text=Audit trail")
    audit = page.inner_text("#audit")
    for action in ("match.lock", "match.exclude", "match.run", "match.confirm", "match.end"):
        assert action in audit
    assert "walk-student1@example.org" not in audit
    screenshot(page, "dashboard-audit")

    # Signing out ends the session for real.
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    page.goto(f"{dashboard_url}/dashboard/")
    assert "/login" in page.url
    context.close()
