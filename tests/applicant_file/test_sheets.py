"""The test files depend only on what a test asks for: not on the clock, not on the test order."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from openpyxl import load_workbook

from .sample import student, to_xlsx, tutor


def test_the_same_rows_give_the_same_bytes_at_any_time(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [student(), tutor()]
    first = to_xlsx(rows)

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Later:  # type: ignore[override]
            return cls(2031, 5, 6, 7, 8, 9, tzinfo=tz)

    later = time.time() + 3 * 365 * 86400
    monkeypatch.setattr(dt, "datetime", Later)  # openpyxl's clock for a new workbook
    monkeypatch.setattr(time, "time", lambda: later)  # zipfile's clock for each member
    second = to_xlsx(rows)
    monkeypatch.undo()

    assert second == first
    sheet = load_workbook(io.BytesIO(first)).active
    assert sheet["C2"].value == rows[0]["email"]


def test_a_made_up_name_depends_only_on_the_person_number() -> None:
    from faker import Faker

    from .sample import _first_name

    before = _first_name("ko_KR", 12)
    Faker.seed(1)  # what another module, or the demo data, might do first
    Faker("ko_KR").first_name()
    assert _first_name("ko_KR", 12) == before
