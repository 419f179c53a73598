"""Staff pages speak English whatever the browser asks for; public pages still follow it."""

from __future__ import annotations

import re

KOREAN_BROWSER = {"Accept-Language": "ko-KR,ko;q=0.9"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def page_language(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page)[1]


def test_the_sign_in_page_is_english_with_no_language_switch(client) -> None:
    page = client.get("/login", headers=KOREAN_BROWSER).text
    assert page_language(page) == "en"
    assert "Skip to content" in page and "한국어" not in page


def test_a_dashboard_form_error_is_english_on_a_korean_browser(client, make_user, login) -> None:
    admin = make_user(admin=True)
    login(client, admin)
    page = client.get("/dashboard/accounts/", headers=KOREAN_BROWSER).text
    assert page_language(page) == "en" and not HANGUL.search(page)
    refused = client.post(
        "/dashboard/accounts/", data={"email": "", "name": ""}, headers=KOREAN_BROWSER
    )
    assert refused.status_code == 400
    assert page_language(refused.text) == "en" and not HANGUL.search(refused.text)
    assert "This field is required." in refused.text


def test_a_korean_choice_made_on_the_public_pages_does_not_reach_the_dashboard(
    client, make_user, login
) -> None:
    client.get("/?lang=ko")
    login(client, make_user())
    assert page_language(client.get("/dashboard/audit/").text) == "en"
    assert page_language(client.get("/").text) == "ko"  # the public choice is kept


def test_public_pages_still_follow_a_korean_browser(client) -> None:
    assert page_language(client.get("/", headers=KOREAN_BROWSER).text) == "ko"
