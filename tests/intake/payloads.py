"""Valid form posts for both roles; tests change only what they care about."""

from __future__ import annotations

from typing import Any

EVENING = ["Mon-19:00", "Mon-19:30", "Wed-20:00", "Wed-20:30"]


def student_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "별빛*",
        "email": "star.student@example.org",
        "timezone": "Asia/Seoul",
        "level": "intermediate",
        "goals": ["conversation", "speech"],
        "slots": EVENING,
        "gender": "female",
        "gender_preference": "female",
        "in_person": "y",
        "continue_with": "",
        "note": "",
        "language": "ko",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def tutor_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": "Robin Tutor",
        "email": "robin.tutor@example.org",
        "timezone": "America/New_York",
        "goals": ["conversation", "grammar"],
        "levels": ["beginner", "intermediate"],
        "korean": "basic",
        "capacity": "2",
        "slots": ["Wed-19:00", "Wed-19:30", "Sat-08:00", "Sat-08:30"],
        "gender": "",
        "in_person": "",
        "continue_with": "",
        "note": "",
        "language": "en",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


BASE_URL = "http://127.0.0.1:5000"  # config.BASE_URL in tests: links never use the Host header


def done_link(response: Any) -> str:
    """Read the private link off the thank-you page, which answers the sign-up post itself."""
    import re

    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    found = re.search(r'id="private-link">([^<]+)<', page)
    assert found, "the confirmation page shows no private link"
    assert found.group(1).startswith(BASE_URL + "/me/"), found.group(1)
    return found.group(1).removeprefix(BASE_URL)
