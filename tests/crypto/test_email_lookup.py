"""Uniqueness and look-up by email through the keyed hash, with the email itself encrypted."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.crypto.lookup import email_hash
from matcher.extensions import db
from matcher.models import Applicant
from matcher.services.applicants.adding import find_applicant
from matcher.services.errors import DomainError


def test_the_database_refuses_a_second_row_with_the_same_email(app, make_semester, make_student):
    semester = make_semester()
    first = make_student(semester, email="twin@example.org")
    db.session.commit()
    copy = Applicant(
        public_id="S-DUPLICATE1",
        semester_id=semester.id,
        role="student",
        display_name="Twin Two",
        email="twin@example.org",
        timezone="Asia/Seoul",
        availability=first.availability,
        goals=first.goals,
        levels=first.levels,
        notice_version="test",
    )
    db.session.add(copy)  # straight to the table, past the service's own check
    with pytest.raises(IntegrityError, match="email_hash"):
        db.session.flush()
    db.session.rollback()


def test_duplicates_are_case_insensitive_per_role_and_semester(
    app, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    make_student(semester, email="kim.case@example.org")
    with pytest.raises(DomainError, match="already applied"):
        make_student(semester, email="  Kim.CASE@Example.ORG ")
    make_tutor(semester, email="kim.case@example.org")  # the other role may use it
    make_student(make_semester(), email="kim.case@example.org")  # and so may another semester
    db.session.commit()
    assert email_hash("KIM.case@example.org ") == email_hash("kim.case@example.org")


def test_find_applicant_by_email_in_any_case(app, make_semester, make_student) -> None:
    semester = make_semester()
    student = make_student(semester, email="lee.find@example.org")
    db.session.commit()
    assert find_applicant(semester, "student", "LEE.Find@example.org") == student
    assert find_applicant(semester, "tutor", "lee.find@example.org") is None
    assert find_applicant(semester, "student", "other@example.org") is None


def test_the_hash_follows_an_email_change(app, make_semester, make_student) -> None:
    semester = make_semester()
    student = make_student(semester, email="old.address@example.org")
    student.email = "new.address@example.org"
    db.session.commit()
    assert find_applicant(semester, "student", "new.address@example.org") == student
    assert find_applicant(semester, "student", "old.address@example.org") is None
    hashes = db.session.scalars(select(Applicant.email_hash)).all()
    assert hashes == [email_hash("new.address@example.org")]


def test_the_hash_is_keyed(app_ctx, make_app) -> None:
    """Another data key gives another hash: a stolen database alone cannot confirm a guessed email."""
    import hashlib

    ours = email_hash("guess@example.org")
    assert ours != hashlib.sha256(b"guess@example.org").hexdigest()
    other = make_app(create_tables=False, DATA_KEY="QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=")
    with other.app_context():
        assert email_hash("guess@example.org") != ours
