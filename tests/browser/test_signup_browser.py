"""Real-browser sign-ups: both forms, both languages, keyboard only, mouse drag, and no JavaScript."""
# ruff: noqa: F811  (the fixtures are imported from .server, and tests name them as parameters)

from __future__ import annotations

import re

import pytest
from intake.catalog import ensure_compiled
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant

from .server import DESKTOP, PHONE, base_url, browser, live_app, screenshot  # noqa: F401

ensure_compiled()
pytestmark = pytest.mark.browser
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def new_page(browser, *, viewport, locale, timezone="Asia/Seoul", javascript=True):
    context = browser.new_context(
        viewport=viewport, locale=locale, timezone_id=timezone, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches `selector` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def stored(app) -> list[Applicant]:
    with app.app_context():
        rows = list(db.session.scalars(select(Applicant).order_by(Applicant.id)))
        db.session.expunge_all()
        return rows


def private_link(page) -> str:
    link = page.locator("#private-link").inner_text()
    assert re.search(r"/me/[A-Za-z0-9_-]{40,}$", link)
    return link


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_korean_student_signs_up_with_the_keyboard(browser, base_url, live_app, size) -> None:
    context, page = new_page(browser, viewport=SIZES[size], locale="ko-KR")
    page.goto(base_url + "/apply/student")
    assert page.locator("html").get_attribute("lang") == "ko"
    tab_to(page, "#display_name")
    page.keyboard.type("하늘*")
    tab_to(page, "#email")
    page.keyboard.type("haneul@example.org")
    tab_to(page, "input[name=level]")
    page.keyboard.press("ArrowDown")  # beginner → intermediate
    tab_to(page, "#goals-1")
    page.keyboard.press("Space")
    # The grid is one tab stop; arrows move inside it, Space ticks.
    tab_to(page, "table.grid input, table.grid button")
    assert page.evaluate("document.activeElement.id") == "slot-Mon-0600"
    for _ in range(26):  # 06:00 → 19:00
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, "button.primary")
    page.wait_for_timeout(1000)  # a person takes longer than the minimum fill time
    page.keyboard.press("Enter")
    page.wait_for_selector("#private-link")  # the answer to the post itself
    screenshot(page, f"student-done-{size}-ko")
    link = private_link(page)
    [row] = stored(live_app)
    assert (row.display_name, row.levels, row.goals) == ("하늘*", "intermediate", "conversation")
    assert row.availability == "Mon 19:00-20:00" and row.language == "ko"
    page.goto(link)
    assert page.locator("#status").inner_text() == "접수됨"
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_english_tutor_in_new_york_signs_up_with_the_keyboard_and_sees_seoul_times(
    browser, base_url, live_app, size
) -> None:
    context, page = new_page(
        browser, viewport=SIZES[size], locale="en-US", timezone="America/New_York"
    )
    page.goto(base_url + "/apply/tutor")
    assert page.locator("#timezone").input_value() == "America/New_York"  # from the browser
    screenshot(page, f"tutor-form-{size}-en")
    tab_to(page, "#display_name")
    page.keyboard.type("Jordan")
    tab_to(page, "#email")
    page.keyboard.type("jordan@example.org")
    tab_to(page, "#goals-1")
    page.keyboard.press("Space")
    tab_to(page, "#levels-1")
    page.keyboard.press("Space")
    tab_to(page, "input[name=korean]")
    page.keyboard.press("Space")
    tab_to(page, "table.grid input, table.grid button")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    for _ in range(26):  # Wed 06:00 → 19:00
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "slot-Wed-1900"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    lines = page.locator("#seoul-preview .preview-lines li")
    lines.first.wait_for()
    assert lines.all_inner_texts() == ["Thu 09:00-10:00", "From 2027-03-14: Thu 08:00-09:00"]
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, "button.primary")
    page.wait_for_timeout(1000)
    page.keyboard.press("Enter")
    page.wait_for_selector("#private-link")  # the answer to the post itself
    [row] = stored(live_app)
    assert (row.role, row.timezone, row.availability) == (
        "tutor",
        "America/New_York",
        "Wed 19:00-20:00",
    )
    context.close()


def test_drag_and_toggles_then_error_keeps_values_then_edit_and_withdraw(
    browser, base_url, live_app
) -> None:
    context, page = new_page(browser, viewport=DESKTOP, locale="ko-KR")
    page.goto(base_url + "/apply/tutor?lang=ko")
    page.fill("#display_name", "민준")
    page.fill("#email", "minjun@example.org")
    page.fill("#timezone", "Asia/Seoul")
    page.check("#goals-2")
    page.check("#levels-3")
    page.check("#korean-3")
    page.locator("#slot-Tue-2030").scroll_into_view_if_needed()
    first = page.locator("#slot-Tue-1900").bounding_box()
    last = page.locator("#slot-Tue-2030").bounding_box()
    page.mouse.move(first["x"] + 5, first["y"] + 5)
    page.mouse.down()
    page.mouse.move(last["x"] + 5, last["y"] + 5, steps=8)
    page.mouse.up()
    ticked = page.eval_on_selector_all("input[name=slots]:checked", "els => els.map(e => e.value)")
    assert ticked == ["Tue-19:00", "Tue-19:30", "Tue-20:00", "Tue-20:30"]
    page.locator("table.grid thead button").nth(5).click()  # Saturday, whole column on
    assert page.locator("td input[value^='Sat-']:checked").count() == 36
    page.locator("table.grid thead button").nth(5).click()  # and off again
    assert page.locator("td input[value^='Sat-']:checked").count() == 0
    page.wait_for_timeout(1000)
    page.click("button.primary")  # consent not ticked
    assert page.locator("#consent-error").is_visible()
    assert page.locator("#display_name").input_value() == "민준"
    assert page.locator("#korean-3").is_checked() and page.locator("#slot-Tue-2030").is_checked()
    screenshot(page, "tutor-error-ko")
    page.check("#consent")
    page.click("button.primary")
    page.wait_for_selector("#private-link")  # the answer to the post itself
    page.goto(private_link(page))
    page.click("#edit-link")
    page.fill("#display_name", "민준 선생님")
    page.click("#slot-Wed-1900")
    page.click("button.primary")
    assert page.locator(".flash").first.inner_text() == "바꾼 내용을 저장했어요."
    assert "민준 선생님" in page.locator("main").inner_text()
    page.check("#confirm")
    page.click("button.danger")
    assert page.locator("#status").inner_text() == "취소됨"
    [row] = stored(live_app)
    assert (row.display_name, row.status) == ("민준 선생님", "withdrawn")
    assert row.availability == "Tue 19:00-21:00; Wed 19:00-19:30"
    context.close()


def test_switching_language_keeps_what_was_typed(browser, base_url, live_app) -> None:
    context, page = new_page(browser, viewport=PHONE, locale="ko-KR")
    page.goto(base_url + "/apply/student")
    page.fill("#display_name", "별빛*")
    page.fill("#email", "star@example.org")
    page.check("#goals-2")
    page.check("#slot-Mon-1900")
    page.locator(".lang-switch a[hreflang=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("#display_name") == "별빛*"
    assert page.input_value("#email") == "star@example.org"
    assert page.is_checked("#goals-2") and page.is_checked("#slot-Mon-1900")
    assert not page.is_checked("#goals-1")
    # Kept only for the switch: nothing of it stays in the tab's storage.
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    assert page.input_value("#display_name") == ""
    context.close()


def test_day_headers_stay_in_sight_while_ticking_evening_times_on_a_phone(
    browser, base_url, live_app
) -> None:
    context, page = new_page(browser, viewport=PHONE, locale="ko-KR")
    page.goto(base_url + "/apply/student")
    evening = page.locator("#slot-Mon-2100")
    evening.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)  # a little further down, as a thumb would
    header = page.locator("table.grid thead th").nth(1).bounding_box()
    row = evening.bounding_box()
    assert 0 <= header["y"] <= 2 < row["y"]  # pinned to the top of the screen, above the row
    screenshot(page, "student-grid-evening-phone")
    context.close()


def test_english_student_form_works_without_javascript(browser, base_url, live_app) -> None:
    context, page = new_page(browser, viewport=PHONE, locale="en-US", javascript=False)
    page.goto(base_url + "/apply/student?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "student-form-phone-en-nojs")
    page.fill("#display_name", "Sunny 🌸")
    page.fill("#email", "sunny@example.org")
    page.check("#level-1")
    page.check("#goals-6")
    page.locator("details.night summary").click()
    page.check("#slot-Sat-0500")
    page.check("#slot-Sat-0530")
    page.wait_for_timeout(1000)
    page.click("button.primary")  # no consent: the server answers, night hours stay open
    assert page.locator("#consent-error").is_visible()
    assert (
        page.locator("#slot-Sat-0530").is_visible() and page.locator("#slot-Sat-0530").is_checked()
    )
    page.check("#consent")
    page.click("button.primary")
    page.wait_for_selector("#private-link")  # the answer to the post itself
    assert "/me/" in private_link(page)
    [row] = stored(live_app)
    assert (row.display_name, row.availability, row.language) == (
        "Sunny 🌸",
        "Sat 05:00-06:00",
        "en",
    )
    context.close()
