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


def done_link(client: Any) -> str:
    """Follow the Post/Redirect/Get to the confirmation page and read the private link off it."""
    import re

    page = client.get("/apply/done").get_data(as_text=True)
    found = re.search(r'id="private-link">([^<]+)<', page)
    assert found, "the confirmation page shows no private link"
    return found.group(1).replace("http://localhost", "")
