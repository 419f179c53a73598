"""Synthetic applicant files for tests: made-up people, built to the contract, never real."""

from __future__ import annotations

from itertools import count

from faker import Faker

from .sheets import HEADER, table, to_csv, to_xlsx

__all__ = ["HEADER", "student", "table", "to_csv", "to_xlsx", "tutor"]


_fake = Faker(["en_US", "ko_KR"])
_numbers = count(1)


def _first_name(locale: str, n: int) -> str:
    """Person n's made-up first name: the same whichever tests ran before. (Faker.seed seeds
    one generator shared by every Faker in the process, so names followed the test order.)"""
    _fake.seed_instance(n)
    return _fake[locale].first_name()


def student(**overrides: str) -> dict[str, str]:
    """A valid Seoul student free on weekday evenings; overrides replace single cells."""
    n = next(_numbers)
    row = {
        "role": "student",
        "display_name": f"{_first_name('ko_KR', n)} {n}",
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
        "display_name": f"{_first_name('en_US', n)} {n}",
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
