"""Coordinators' free-text notes about pairs are encrypted at rest, shown decrypted where they
were shown before, and gone when a person of the pair is erased."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from matcher.extensions import db
from matcher.models import Exclusion, Match
from matcher.models.base import utcnow
from matcher.services.applicants.review import ERASED_REASON, erase_applicant
from matcher.services.files.roster import load_roster

from .test_at_rest import stored_bytes

END_REASON = "canary-end Yeonhwa moved to Daegu 연화"
OVERRIDE = "canary-override Yeonhwa's cousin tutors here"
EXCLUDED = "canary-exclusion Yeonhwa felt unsafe"
CANARIES = ["canary-end", "canary-override", "canary-exclusion", "Yeonhwa", "연화", "Daegu"]


@pytest.fixture
def notes(make_semester, make_student, make_tutor) -> tuple[Match, Match, Exclusion]:
    semester = make_semester()
    student, tutor, other = make_student(semester), make_tutor(semester), make_tutor(semester)
    ended = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="ended",
        ended_at=utcnow(),
        confirmed_at=utcnow(),
        end_reason=END_REASON,
    )
    current = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=other.id,
        status="confirmed",
        confirmed_at=utcnow(),
        manual_override_note=OVERRIDE,
    )
    exclusion = Exclusion(
        semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, reason=EXCLUDED
    )
    db.session.add_all([ended, current, exclusion])
    db.session.commit()
    return ended, current, exclusion


def test_notes_are_not_readable_in_the_database_files(app, notes, database_url) -> None:
    data = stored_bytes(database_url)
    assert notes[0].public_id.encode() in data  # the search works: plain columns are found
    for canary in CANARIES:
        assert canary.encode() not in data, canary
    raw = [
        *db.session.execute(text("SELECT end_reason, manual_override_note FROM matches")),
        *db.session.execute(text("SELECT reason, NULL FROM exclusions")),
    ]
    assert all(v.startswith("v1:") for row in raw for v in row if v is not None)
    assert sum(v is not None for row in raw for v in row) == 3


def test_notes_read_back_and_the_roster_still_shows_the_end_reason(app, notes) -> None:
    db.session.expire_all()
    ended, current, exclusion = (db.session.get(type(n), n.id) for n in notes)
    assert (ended.end_reason, current.manual_override_note) == (END_REASON, OVERRIDE)
    assert exclusion.reason == EXCLUDED
    pairs, _unmatched, _withdrawn = load_roster(ended.student.semester, include_contacts=False)
    assert {p.pair_id: p.end_reason for p in pairs}[ended.public_id] == END_REASON


def test_the_database_checks_lengths_no_longer_so_the_models_do(app, notes) -> None:
    ended, current, exclusion = notes
    with pytest.raises(ValueError, match="500"):
        ended.end_reason = "x" * 501
    with pytest.raises(ValueError, match="500"):
        current.manual_override_note = "x" * 501
    with pytest.raises(ValueError, match="1 to 500"):
        exclusion.reason = ""


def test_erasing_a_person_removes_every_note_that_could_name_them(app, notes, database_url) -> None:
    ended, current, _exclusion = notes
    erase_applicant(ended.student, actor="user:1")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Match, ended.id).end_reason == ERASED_REASON  # ended before the erase
    again = db.session.get(Match, current.id)
    assert (again.status, again.end_reason, again.manual_override_note) == (
        "ended",
        ERASED_REASON,
        None,
    )
    assert db.session.scalars(select(Exclusion)).all() == []
    loaded = repr(
        [(m.end_reason, m.manual_override_note) for m in db.session.scalars(select(Match))]
    )
    assert not any(canary in loaded for canary in CANARIES)
