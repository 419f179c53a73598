"""Feasible-partner counts are remembered per worker, yet never outlive a change to the data."""

from __future__ import annotations

from matcher.extensions import db
from matcher.models import Applicant
from matcher.services.applicants.review import set_status
from matcher.services.pairs.actions import exclude_pair, remove_exclusion
from matcher.services.pairs.matching import feasible_partner_counts, unmatched_preview

EVENING = "Mon 19:00-21:00"


def test_counts_follow_approvals_withdrawals_and_exclusions(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows=EVENING)
    first = make_tutor(semester, windows=EVENING)
    second = make_tutor(semester, windows=EVENING, status="pending")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 1

    set_status(second, "approved", actor="test")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 2

    exclusion = exclude_pair(semester, student, first, "asked for someone else", actor="test")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 1

    set_status(second, "withdrawn", actor="test")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 0

    remove_exclusion(exclusion.id, actor="test")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 1


def test_an_edit_to_availability_changes_the_count(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester, windows=EVENING)
    tutor = make_tutor(semester, windows=EVENING)
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 1
    tutor.availability = "Sat 10:00-12:00"
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 0


def test_a_change_made_by_another_worker_is_seen_at_once(
    app, make_app, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows=EVENING)
    make_tutor(semester, windows=EVENING)
    waiting = make_tutor(semester, windows=EVENING, status="pending")
    db.session.commit()
    assert feasible_partner_counts(semester)[student.public_id] == 1
    waiting_id = waiting.id
    db.session.rollback()  # end this "request", as the real teardown does

    other_worker = make_app(create_tables=False)  # same database, its own memory
    with other_worker.app_context():
        set_status(db.session.get(Applicant, waiting_id), "approved", actor="test")
        db.session.commit()
        db.session.remove()

    assert feasible_partner_counts(semester)[student.public_id] == 2


def test_changing_a_returned_figure_does_not_change_the_next_answer(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, windows=EVENING)
    make_tutor(semester, windows=EVENING)
    db.session.commit()
    feasible_partner_counts(semester)[student.public_id] = 99
    assert feasible_partner_counts(semester)[student.public_id] == 1


def test_the_unmatched_preview_follows_a_new_tutor(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    make_student(semester, windows=EVENING)
    make_student(semester, windows=EVENING)
    make_tutor(semester, windows=EVENING)
    db.session.commit()
    first = unmatched_preview(semester)
    assert [u.role for u in first.plan.unmatched] == ["student"]
    left_out = first.plan.unmatched[0].person_id
    assert first.applicants[left_out].display_name  # rows to show names with
    assert unmatched_preview(semester).plan is first.plan  # nothing changed: not solved again

    make_tutor(semester, windows=EVENING)
    db.session.commit()
    assert unmatched_preview(semester).plan.unmatched == ()  # both students have a tutor now
