"""Synthetic applicant files for import tests: made-up pseudonyms built to the contract."""

from __future__ import annotations

import csv
import io
from itertools import count

from openpyxl import Workbook

HEADER = (
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
)
_PSEUDONYMS = ("Haneul", "Byeol", "Dal", "Saebom", "Garam", "Nari", "Maple", "Quill", "Juniper")
_numbers = count(1)


def student(**cells: str) -> dict[str, str]:
    """A valid Seoul student free on weekday evenings; keyword arguments replace cells."""
    n = next(_numbers)
    return {
        "role": "student",
        "display_name": f"{_PSEUDONYMS[n % len(_PSEUDONYMS)]}* {n}",
        "email": f"import.student{n}@example.org",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00; Wed 19:00-21:00",
        "goals": "conversation;grammar",
        "level": "beginner",
        "gender": "female",
        "korean": "fluent",
        "in_person": "no",
    } | cells


def tutor(**cells: str) -> dict[str, str]:
    """A valid New York tutor whose evening is a Seoul morning; keyword arguments replace cells."""
    n = next(_numbers)
    return {
        "role": "tutor",
        "display_name": f"{_PSEUDONYMS[n % len(_PSEUDONYMS)]} {n}",
        "email": f"import.tutor{n}@example.org",
        "timezone": "America/New_York",
        "availability": "Wed 19:00-21:00",
        "goals": "conversation;speech",
        "level": "beginner;intermediate",
        "gender": "male",
        "korean": "basic",
        "in_person": "yes",
        "capacity": "2",
    } | cells


def table(rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> list[list[str]]:
    return [list(header)] + [[row.get(name, "") for name in header] for row in rows]


def to_csv(
    rows: list[dict[str, str]], header: tuple[str, ...] = HEADER, *, encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table(rows, header))
    return out.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> bytes:
    """The same cells on a workbook's first sheet; numbers as numbers, the way Excel keeps them."""
    workbook = Workbook()
    sheet = workbook.active
    for line in table(rows, header):
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
