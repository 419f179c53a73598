"""Formula injection: every cell that a spreadsheet would evaluate comes out as plain text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matcher.exports import neutralise


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://evil.example","click")',
        "=1+1",
        "+1",
        "-2",
        "@SUM(A1:A2)",
        "\tx",
        "\rx",
        "\nx",
        "＝1+1",
        "＋1",
        "－2",
        "＠SUM(A1)",
        "  =1+1",
        "-2+3+cmd|' /C calc'!A0",
    ],
)
def test_formula_payloads_get_a_leading_apostrophe(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "value",
    ["Kim Hana", "김하늘", "<script>alert(1)</script>", "a=b", "x-y", "a@example.org", "", "'=x"],
)
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    assert neutralise(-2) == "-2"
    assert neutralise(7.25) == "7.25"
    assert neutralise(Decimal("-1.5")) == "-1.5"
    assert neutralise(None) == ""
    assert neutralise(True) == "True"
