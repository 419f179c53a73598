"""The home page says what the service is and whether sign-ups are open."""

from __future__ import annotations

from matcher.extensions import db


def test_home_without_a_semester_says_sign_ups_are_closed(client) -> None:
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert "LELP Match" in page.text
    assert "closed" in page.text


def test_home_names_the_semester_taking_sign_ups(client, make_semester) -> None:
    make_semester(name="Spring 2027", status="intake")
    db.session.commit()
    page = client.get("/?lang=en")
    assert "Spring 2027" in page.text
