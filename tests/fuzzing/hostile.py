"""Hostile values, form-post strategies and the hypothesis settings every fuzz test shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Markup that must never come back raw: a page that shows one of these unescaped runs it.
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b>fuzz</b>",
)
HOSTILE = [
    *MARKUP,
    "'; DROP TABLE applicants; --",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    "{{ 7 * 7 }}",
    "\x00",
    "S-\x00",
    "a\u202eb",
    "\u2066x\u2069",
    "\ufeff",
    "x" * 10_000,
    "\u1100\u1161\u11a8",  # decomposed Hangul
    "🌸",
    "𝕏",
    "مرحبا",
    "",
    " ",
    "\r\n",
    # Numbers a careless int() trips over: '²'.isdigit() is True, yet int('²') raises.
    "²",
    "١٢",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "nan",
    "../../etc/passwd",
    "%00",
    "//evil.example/",
    "javascript:alert(1)",
    "/dashboard/\r\nSet-Cookie: x=1",
]
# Characters that break things when slipped into an otherwise ordinary value: NUL (PostgreSQL
# text cannot hold it), bidi and line controls, markup, a BOM, a combining mark, an astral
# character, a lone surrogate (sent as U+FFFD, see postable) and a digit int() refuses.
NASTY = ["\x00", "\u202e", "\r\n", "\t", "<", '"', "'", "\ufeff", "\u0301", "𝕏", "\ud800", "²"]


def spiked(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``values`` with one nasty character put somewhere inside."""
    return st.tuples(values, st.sampled_from(NASTY), st.integers(0, 40)).map(
        lambda parts: parts[0][: parts[2]] + parts[1] + parts[0][parts[2] :]
    )


text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=120), spiked(st.text(max_size=40)))
choice = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12), spiked(st.text(max_size=8)))


# What may arrive where a whole number is due. int() reads some of these and not others:
# '²'.isdigit() is True, yet int('²') raises; int('١٥') is 15.
numbers = st.one_of(
    st.sampled_from(["0", "1", "15", "60", "240", "1000", "1e3", "-0", "0x10", " 7 ", "²", "١٥"]),
    choice,
    st.integers().map(str),
    st.floats().map(str),
)

# Where a form may ask to be sent back to: a page of the dashboard, or anywhere else.
REDIRECTS = [
    "/dashboard/",
    "/dashboard//evil.example",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "/dashboard/\r\nSet-Cookie: x=1",
    "/dashboard/\u202e",
    "javascript:alert(1)",
]
redirect_targets = st.one_of(st.sampled_from(REDIRECTS), spiked(st.sampled_from(REDIRECTS)), text)


def mostly(usual: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` three times in four, so the checks after an accepted post get exercised too."""
    return st.integers(0, 3).flatmap(lambda n: other if n == 0 else usual)


def one_of_or_hostile(values: list[str]) -> st.SearchStrategy[str]:
    """A valid choice, a valid choice with a nasty character in it, or anything at all."""
    return st.one_of(st.sampled_from(values), spiked(st.sampled_from(values)), choice)


def fuzz_settings(ci_examples: int, dev_examples: int) -> settings:
    """Modest under the `ci` profile (what CI sets, and the default: see tests/conftest.py),
    more under any other.

    Built here rather than registered as profiles, so using them never changes another module's
    settings. Function-scoped fixtures are fine: each example builds what it needs and compares
    the database before and after itself, never with a fresh one.
    """
    ci = settings.get_current_profile_name() == "ci"
    return settings(
        max_examples=ci_examples if ci else dev_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def postable(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Browsers cannot send lone surrogates; everything else goes as typed."""
    clean = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        clean[key] = [clean_text(v) for v in values]
    return clean


def clean_text(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


def assert_escaped(body: str) -> None:
    """No hostile markup is rendered as markup, whether it came from this post or a stored row."""
    for payload in MARKUP:
        assert payload not in body, f"unescaped {payload!r} in the page"


# A field as a route's table gives it: the value a real page would send (None: none by
# default) and what a hostile client may send instead.
Field = tuple[Any, st.SearchStrategy[Any]]
# Names a forged post might add: real field names of other forms, ids and flags.
EXTRA_NAMES = [
    "csrf_token",
    "id",
    "role",
    "status",
    "admin",
    "semester_id",
    "user_id",
    "version",
    "all",
    "override",
    "back",
    "selected",
    "capacity",
    "email",
    "next",
]


@st.composite
def form_posts(draw: st.DrawFn, fields: Mapping[str, Field]) -> dict[str, Any]:
    """What the page would send, with up to three fields replaced by hostile values or left
    out, then a few extra fields (an extra with a real field's name sends that field twice)."""
    data = {name: valid for name, (valid, _hostile) in fields.items() if valid is not None}
    names = (
        st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)
        if fields
        else st.just([])
    )
    for name in draw(names):
        if draw(st.booleans()):
            data[name] = draw(fields[name][1])
        else:
            data.pop(name, None)
    extra_name = st.one_of(st.sampled_from(EXTRA_NAMES), st.text(min_size=1, max_size=16))
    for name, value in draw(st.dictionaries(extra_name, text, max_size=3)).items():
        if name in data:
            first = data[name] if isinstance(data[name], list) else [data[name]]
            data[name] = [*first, value]
        else:
            data[name] = value
    return data
