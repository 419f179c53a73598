"""Synthetic demo applicants: made-up people shaped like a real LELP semester (never real people)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from faker import Faker

from matcher.domain import (
    GENDERS,
    GOALS,
    KOREAN_ABILITIES,
    LEVELS,
    ApplicantDraft,
    ApplicantStatus,
    Language,
    Role,
)
from matcher.domain.windows import MINUTES_PER_WEEK, WeeklyWindow, merge_windows

SEOUL = ZoneInfo("Asia/Seoul")

# Where volunteer tutors live, with rough weights; several change clocks on different dates.
TUTOR_ZONES = (
    ("America/New_York", 14),
    ("America/Chicago", 5),
    ("America/Los_Angeles", 10),
    ("America/Toronto", 4),
    ("Europe/London", 8),
    ("Europe/Berlin", 6),
    ("Europe/Paris", 4),
    ("Australia/Sydney", 6),
    ("Pacific/Auckland", 3),
    ("Asia/Seoul", 14),
    ("Asia/Tokyo", 4),
    ("Asia/Singapore", 4),
    ("Asia/Kolkata", 2),
    ("Asia/Kathmandu", 1),
)
TUTOR_LOCALES = ("en_US", "en_GB", "en_AU", "de_DE", "fr_FR", "en_CA", "ja_JP")


@dataclass(frozen=True, kw_only=True)
class DemoApplicant(ApplicantDraft):
    """A made-up applicant with the status the demo gives them."""

    status: ApplicantStatus


def _window(day: int, start_minute: int, minutes: int) -> WeeklyWindow:
    return WeeklyWindow(start=(day * 1440 + start_minute) % MINUTES_PER_WEEK, minutes=minutes)


def _student_windows(rng: random.Random) -> tuple[WeeklyWindow, ...]:
    """Weekday evenings and weekend daytime in Seoul, where students are mostly free."""
    windows = []
    for day in rng.sample(range(5), rng.randint(2, 4)):
        start = rng.choice(range(18 * 60, 22 * 60, 30))
        windows.append(_window(day, start, rng.choice((60, 90, 120, 150))))
    for day in rng.sample((5, 6), rng.randint(0, 2)):
        start = rng.choice(range(9 * 60, 18 * 60, 30))
        windows.append(_window(day, start, rng.choice((90, 120, 180))))
    return merge_windows(windows)


def _tutor_windows(rng: random.Random, zone: str, first_monday: date) -> tuple[WeeklyWindow, ...]:
    """Mostly Seoul evenings seen from the tutor's zone (what a keen volunteer offers), plus own-evening time."""
    tz = ZoneInfo(zone)
    windows = []
    for day in rng.sample(range(7), rng.randint(2, 4)):
        seoul_start = (
            rng.choice(range(18 * 60, 22 * 60, 30))
            if day < 5
            else rng.choice(range(9 * 60, 18 * 60, 30))
        )
        seoul = datetime.combine(first_monday + timedelta(days=day), datetime.min.time(), SEOUL)
        local = (seoul + timedelta(minutes=seoul_start)).astimezone(tz)
        minute_of_week = local.weekday() * 1440 + local.hour * 60 + (local.minute // 30) * 30
        windows.append(WeeklyWindow(minute_of_week % MINUTES_PER_WEEK, rng.choice((60, 90, 120))))
    if rng.random() < 0.5:
        windows.append(_window(rng.randrange(7), rng.choice(range(18 * 60, 21 * 60, 30)), 90))
    return merge_windows(windows)


def demo_applicants(
    first_day: date, students: int = 80, tutors: int = 80, seed: int = 2027
) -> list[DemoApplicant]:
    rng = random.Random(seed)
    korean_names = Faker("ko_KR")
    korean_names.seed_instance(seed)
    first_monday = first_day - timedelta(days=first_day.weekday())
    people: list[DemoApplicant] = []
    for i in range(students):
        gender = rng.choices(("female", "male", None), weights=(68, 27, 5))[0]
        if rng.random() < 0.6:
            name = korean_names.first_name()
        else:
            name = Faker("en_US").first_name() + "*"
        people.append(
            DemoApplicant(
                role=Role.STUDENT,
                display_name=f"{name} {i + 1}",
                email=f"student{i + 1}@example.org",
                timezone="Asia/Seoul",
                windows=_student_windows(rng),
                goals=frozenset(rng.sample(GOALS, rng.randint(1, 3))),
                levels=frozenset({rng.choices(LEVELS, (4, 4, 2))[0]}),
                gender=gender,
                gender_preference="female" if gender == "female" and rng.random() < 0.3 else None,
                korean="fluent",
                in_person=rng.random() < 0.5,
                capacity=1,
                continue_with=None,
                language=Language.KO,
                status=rng.choices(
                    (ApplicantStatus.APPROVED, ApplicantStatus.PENDING, ApplicantStatus.WAITLISTED),
                    (88, 9, 3),
                )[0],
            )
        )
    zones, weights = zip(*TUTOR_ZONES, strict=True)
    for i in range(tutors):
        zone = rng.choices(zones, weights)[0]
        faker = Faker(rng.choice(TUTOR_LOCALES))
        faker.seed_instance(seed + i)
        people.append(
            DemoApplicant(
                role=Role.TUTOR,
                display_name=f"{faker.first_name()} {i + 1}",
                email=f"tutor{i + 1}@example.org",
                timezone=zone,
                windows=_tutor_windows(rng, zone, first_monday),
                goals=frozenset(rng.sample(GOALS, rng.randint(2, 5))),
                levels=frozenset(rng.sample(LEVELS, rng.randint(1, 3))),
                gender=rng.choices(GENDERS, (55, 40, 5))[0],
                gender_preference=None,
                korean=rng.choices(KOREAN_ABILITIES, (6, 3, 1))[0],
                in_person=zone == "Asia/Seoul" and rng.random() < 0.7,
                capacity=rng.choices((1, 2, 3), (80, 15, 5))[0],
                continue_with=None,
                language=Language.EN,
                status=rng.choices((ApplicantStatus.APPROVED, ApplicantStatus.PENDING), (92, 8))[0],
            )
        )
    # A few returning pairs who asked to continue together.
    for s_index, t_index in zip(range(min(3, students, tutors)), range(3), strict=False):
        student, tutor = people[s_index], people[students + t_index]
        people[s_index] = replace(student, continue_with=tutor.email)
        people[students + t_index] = replace(tutor, continue_with=student.email)
    return people
