"""Synthetic applicant files for tests: made-up people, built to the contract, never real."""

from __future__ import annotations

import csv
import io
from itertools import count

from faker import Faker
from openpyxl import Workbook

HEADER = [
    "role",
    "display_name",
    "email",
    "timezone",
    "availability",
    "goals",
    "level",
    "gender",
    "gender_preference",
    "korean",
    "in_person",
    "capacity",
    "continue_with",
]

_fake = Faker(["en_US", "ko_KR"])
Faker.seed(20270301)
_numbers = count(1)


def student(**overrides: str) -> dict[str, str]:
    """A valid Seoul student free on weekday evenings; overrides replace single cells."""
    n = next(_numbers)
    row = {
        "role": "student",
        "display_name": f"{_fake['ko_KR'].first_name()} {n}",
        "email": f"student{n}@example.org",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00; Wed 19:00-21:00",
        "goals": "conversation;grammar",
        "level": "beginner",
        "gender": "female",
        "gender_preference": "",
        "korean": "fluent",
        "in_person": "no",
        "capacity": "",
        "continue_with": "",
    }
    return row | overrides


def tutor(**overrides: str) -> dict[str, str]:
    """A valid tutor in Seoul with the same evenings, so pairs are feasible by default."""
    n = next(_numbers)
    row = {
        "role": "tutor",
        "display_name": f"{_fake['en_US'].first_name()} {n}",
        "email": f"tutor{n}@example.org",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00; Wed 19:00-21:00",
        "goals": "conversation;grammar;speech",
        "level": "beginner;intermediate",
        "gender": "female",
        "gender_preference": "",
        "korean": "basic",
        "in_person": "yes",
        "capacity": "1",
        "continue_with": "",
    }
    return row | overrides


def table(rows: list[dict[str, str]], header: list[str] | None = None) -> list[list[str]]:
    """Header row first, then each row's cells in the header's order (missing cells empty)."""
    header = HEADER if header is None else header
    return [list(header)] + [[row.get(name.strip().lower(), "") for name in header] for row in rows]


def to_csv(
    rows: list[dict[str, str]],
    header: list[str] | None = None,
    *,
    bom: bool = False,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(table(rows, header))
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def to_xlsx(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    """A workbook whose first sheet holds the same cells; capacity as a number, like Excel."""
    workbook = Workbook()
    sheet = workbook.active
    for line in table(rows, header):
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
