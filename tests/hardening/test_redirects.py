"""safe_next: only same-site paths survive; every known trick to leave the site falls back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.security.redirects import safe_next

FALLBACK = "/dashboard/"


@pytest.mark.parametrize(
    "target",
    [
        "/dashboard/semesters/3",
        "/dashboard/applicants/S-7?page=2&q=kim#row",
        "/dashboard/audit/?actor=user%3A1",
        "/",
    ],
)
def test_paths_on_this_site_are_kept(target: str) -> None:
    assert safe_next(target, FALLBACK) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/login",
        "http://evil.example",
        "//evil.example/dashboard",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\x00/evil.example",
        "/dashboard/\u202e/evil",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "dashboard",
        " /dashboard",
        "/" + "a" * 3000,
    ],
)
def test_ways_off_the_site_fall_back(target: str | None) -> None:
    assert safe_next(target, FALLBACK) == FALLBACK


@given(st.text(max_size=200))
def test_whatever_comes_back_is_a_plain_local_path(target: str) -> None:
    result = safe_next(target, FALLBACK)
    assert result in (target, FALLBACK)
    assert result.startswith("/") and not result.startswith("//")
    assert "\\" not in result and not any(ord(ch) < 32 or ord(ch) == 127 for ch in result)
