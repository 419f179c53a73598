"""The fuzz tests' app (no rate limits, no minimum fill time, a cheap argon2) and their world."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from lifecycle.pairs import make_pair
from sqlalchemy import update

from matcher.extensions import db
from matcher.models import Exclusion, Semester
from matcher.models.base import utcnow

from .world import PAIRS, PASSWORD, World

_numbers = itertools.count(1)


@pytest.fixture
def app(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """Each example signs a fresh coordinator in; at argon2's real cost that alone would take
    most of the time budget. Hashes made this way still verify through the app's own code."""
    monkeypatch.setattr(
        "matcher.security.passwords._hasher",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    application = make_app(RATELIMIT_ENABLED=False, INTAKE_MIN_FILL_SECONDS=0)
    yield application
    with application.app_context():  # close its connections
        db.engine.dispose()


@pytest.fixture
def build_world(
    app: Flask,
    make_semester: Callable[..., Any],
    make_student: Callable[..., Any],
    make_tutor: Callable[..., Any],
    make_user: Callable[..., Any],
) -> Callable[[str, str], World]:
    """Builds a semester in ``status`` with four students, three tutors, four pairs and an
    exclusion, two of the people called ``name``; an admin signed in on a fresh client, and
    another account."""

    def build(status: str, name: str) -> World:
        # Only one semester may take sign-ups at a time (an earlier example may have started one).
        db.session.execute(
            update(Semester)
            .where(Semester.status == "intake")
            .values(status="closed", closed_at=utcnow())
        )
        semester = make_semester(status="active" if status == "closed" else status)
        students = [
            make_student(semester, display_name=name),
            make_student(semester),
            make_student(semester),
            make_student(semester, status="pending"),
        ]
        tutors = [
            make_tutor(semester, display_name=name, capacity=1),
            make_tutor(semester, capacity=3),
            make_tutor(semester, status="waitlisted"),
        ]
        confirmed = status in ("active", "closed")
        pairs = [
            make_pair(
                semester,
                students[s],
                tutors[t],
                status="confirmed" if confirmed and pair == "locked" else pair,
            )
            for s, t, pair in PAIRS
        ]
        exclusion = Exclusion(
            semester_id=semester.id,
            student_id=students[2].id,
            tutor_id=tutors[0].id,
            reason="did not get along",
        )
        db.session.add(exclusion)
        if status == "closed":
            semester.status, semester.closed_at = "closed", utcnow()
        n = next(_numbers)
        admin = make_user(admin=True, email=f"fuzz.admin{n}@example.org")
        other = make_user(email=f"fuzz.other{n}@example.org")
        db.session.flush()
        world = World(
            semester_id=semester.id,
            status=status,
            students=tuple(s.public_id for s in students),
            tutors=tuple(t.public_id for t in tutors),
            pairs=tuple((p.public_id, p.version) for p in pairs),
            exclusion_id=exclusion.id,
            admin_id=admin.id,
            other_user_id=other.id,
            client=app.test_client(),
        )
        db.session.commit()
        response = world.client.post(
            "/login", data={"email": f"fuzz.admin{n}@example.org", "password": PASSWORD}
        )
        assert response.status_code == 302, response.text
        return world

    return build
