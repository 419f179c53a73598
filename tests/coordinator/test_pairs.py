"""Pair actions: lock, unlock, exclude, manual pairs (with override), confirm, end; each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Exclusion, Match
from matcher.services.errors import ChangedMeanwhile, DomainError
from matcher.services.pairs.actions import (
    confirm_all,
    confirm_pairs,
    end_pair,
    exclude_pair,
    lock_pair,
    pair_manually,
    unlock_pair,
)

ACTOR = "user:1"


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def proposed(student, tutor) -> Match:
    match = Match(semester_id=student.semester_id, student_id=student.id, tutor_id=tutor.id)
    db.session.add(match)
    db.session.flush()
    return match


@pytest.fixture
def pair(make_semester, make_student, make_tutor):
    semester = make_semester()
    return proposed(make_student(semester), make_tutor(semester))


def test_lock_and_unlock_check_the_version_and_are_audited(pair) -> None:
    lock_pair(pair.public_id, 1, actor=ACTOR)
    assert (pair.status, pair.version) == ("locked", 2)
    with pytest.raises(ChangedMeanwhile):
        unlock_pair(pair.public_id, 1, actor=ACTOR)  # a page showing the old version
    unlock_pair(pair.public_id, 2, actor=ACTOR)
    assert pair.status == "proposed"
    with pytest.raises(DomainError, match="only locked"):
        unlock_pair(pair.public_id, 3, actor=ACTOR)
    assert [e.target for e in audit("match.lock") + audit("match.unlock")] == [pair.public_id] * 2


def test_exclude_ends_the_proposal_and_needs_a_reason(pair) -> None:
    semester = pair.student.semester
    with pytest.raises(DomainError) as missing:
        exclude_pair(semester, pair.student, pair.tutor, "  ", actor=ACTOR)
    assert missing.value.field == "reason"
    exclude_pair(
        semester, pair.student, pair.tutor, "did not get along", actor=ACTOR, pair_version=1
    )
    assert pair.status == "ended"
    assert db.session.scalars(select(Exclusion)).one().reason == "did not get along"
    (event,) = audit("match.exclude")
    assert "get along" not in repr(event.detail)
    with pytest.raises(ChangedMeanwhile):  # excluding it twice: someone did it already
        exclude_pair(semester, pair.student, pair.tutor, "again", actor=ACTOR)


def test_a_confirmed_pair_must_be_ended_before_it_is_excluded(pair) -> None:
    confirm_pairs([(pair.public_id, 1)], actor=ACTOR)
    with pytest.raises(DomainError, match="confirmed"):
        exclude_pair(pair.student.semester, pair.student, pair.tutor, "why", actor=ACTOR)


def test_manual_pair_is_locked_and_replaces_a_proposal(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows="Mon 19:00-21:00")
    old_tutor = make_tutor(semester, windows="Mon 19:00-21:00")
    new_tutor = make_tutor(semester, windows="Mon 19:00-21:00")
    old = proposed(student, old_tutor)
    match = pair_manually(semester, student, new_tutor, actor=ACTOR)
    assert match.status == "locked"
    assert old.status == "ended" and old.end_reason == "replaced by a manual pair"
    assert "Mon 19:00-21:00" in match.windows_seoul
    (event,) = audit("match.manual")
    assert event.detail == {
        "student": student.public_id,
        "tutor": new_tutor.public_id,
        "override": False,
    }


def test_infeasible_manual_pair_needs_override_and_note(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows="Mon 19:00-21:00")
    tutor = make_tutor(semester, windows="Sat 03:00-04:00")
    with pytest.raises(DomainError, match="never share") as refused:
        pair_manually(semester, student, tutor, actor=ACTOR)
    assert refused.value.field == "override"
    with pytest.raises(DomainError) as no_note:
        pair_manually(semester, student, tutor, actor=ACTOR, override=True, note="")
    assert no_note.value.field == "note"
    match = pair_manually(
        semester, student, tutor, actor=ACTOR, override=True, note="they will meet on weekends"
    )
    assert match.manual_override_note == "they will meet on weekends"
    assert audit("match.manual")[0].detail["override"] is True


def test_manual_pair_respects_tutor_capacity_and_approval(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    tutor = make_tutor(semester, capacity=1)
    pair_manually(semester, make_student(semester), tutor, actor=ACTOR)
    with pytest.raises(ChangedMeanwhile, match="no free place"):
        pair_manually(semester, make_student(semester), tutor, actor=ACTOR)
    with pytest.raises(DomainError, match="approve them first"):
        pair_manually(
            semester, make_student(semester, status="pending"), make_tutor(semester), actor=ACTOR
        )


def test_confirm_selected_all_and_end(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    pairs = [proposed(make_student(semester), make_tutor(semester)) for _ in range(3)]
    confirm_pairs([(pairs[0].public_id, 1)], actor=ACTOR, user_id=None)
    assert pairs[0].status == "confirmed" and pairs[0].confirmed_at is not None
    assert confirm_all(semester, actor=ACTOR) == 2
    assert {p.status for p in pairs} == {"confirmed"}
    with pytest.raises(DomainError):
        confirm_all(semester, actor=ACTOR)
    with pytest.raises(DomainError) as no_reason:
        end_pair(pairs[1].public_id, pairs[1].version, "", actor=ACTOR)
    assert no_reason.value.field == "reason"
    end_pair(pairs[1].public_id, pairs[1].version, "tutor moved abroad", actor=ACTOR)
    assert pairs[1].status == "ended" and pairs[1].end_reason == "tutor moved abroad"
    assert len(audit("match.confirm")) == 3
    (ended,) = audit("match.end")
    assert ended.target == pairs[1].public_id and "abroad" not in repr(ended.detail)


def test_closed_semesters_refuse_pair_changes(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    match = proposed(make_student(semester), make_tutor(semester))
    semester.status = "closed"
    db.session.flush()
    with pytest.raises(DomainError, match="closed"):
        lock_pair(match.public_id, 1, actor=ACTOR)
