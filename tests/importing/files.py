"""Synthetic applicant files for import tests: made-up pseudonyms built to the contract."""

from __future__ import annotations

from itertools import count

from applicant_file import sheets

HEADER = tuple(sheets.HEADER)
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


def to_csv(
    rows: list[dict[str, str]], header: tuple[str, ...] = HEADER, *, encoding: str = "utf-8"
) -> bytes:
    """CRLF line ends, as Excel writes them."""
    return sheets.to_csv(rows, header, newline="\r\n", encoding=encoding)


def to_xlsx(rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> bytes:
    """The same cells on a workbook's first sheet; numbers as numbers, the way Excel keeps them."""
    return sheets.to_xlsx(rows, header)
