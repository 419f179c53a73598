"""The one flush: a lost race is "changed meanwhile", a bug's refusal is not disguised as one."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from matcher.extensions import db
from matcher.models import Exclusion, Match
from matcher.services.constraints import constraint_name, flush
from matcher.services.errors import ChangedMeanwhile


def test_a_second_active_pair_for_a_student_is_changed_meanwhile(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, one, two = make_student(semester), make_tutor(semester), make_tutor(semester)
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=one.id))
    flush()
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=two.id))
    with pytest.raises(ChangedMeanwhile):
        flush()


def test_the_same_exclusion_twice_is_changed_meanwhile(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    for _ in range(2):
        db.session.add(
            Exclusion(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, reason="x")
        )
    with pytest.raises(ChangedMeanwhile):
        flush()


def test_a_broken_check_is_a_bug_and_stays_an_integrity_error(make_semester, make_student) -> None:
    semester = make_semester()
    student = make_student(semester)
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=student.id))
    with pytest.raises(IntegrityError) as raised:
        flush()
    assert constraint_name(raised.value) == "ck_matches_two_people"


def test_a_unique_constraint_no_race_explains_is_re_raised(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, one, two = make_student(semester), make_tutor(semester), make_tutor(semester)
    db.session.add(Match(semester_id=semester.id, student_id=student.id, tutor_id=one.id))
    flush()
    other = make_student(semester)
    db.session.add(
        Match(
            public_id=_first_pair_id(),
            semester_id=semester.id,
            student_id=other.id,
            tutor_id=two.id,
        )
    )
    with pytest.raises(IntegrityError) as raised:
        flush()
    assert constraint_name(raised.value) == "uq_matches_public_id"


def _first_pair_id() -> str:
    return db.session.scalars(db.select(Match.public_id)).first()
