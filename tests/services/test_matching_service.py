"""Running the engine on a semester's rows: proposals stored, locks and exclusions honoured."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Exclusion, Match, MatchRun
from matcher.models.base import utcnow
from matcher.services.errors import DomainError
from matcher.services.pairs.engine_input import build_engine_input, rematch_from
from matcher.services.pairs.matching import (
    explain_for,
    feasible_partner_counts,
    run_matching,
    weights_from,
)


def _matches(semester, status: str | None = None) -> list[Match]:
    query = select(Match).where(Match.semester_id == semester.id)
    if status:
        query = query.where(Match.status == status)
    return list(db.session.scalars(query))


def test_run_stores_one_proposal_per_matched_student(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    students = [make_student(semester, windows="Mon 19:00-21:00") for _ in range(3)]
    make_tutor(semester, windows="Mon 19:00-21:00", capacity=2)
    make_tutor(semester, windows="Mon 20:00-22:00")
    outcome = run_matching(semester, actor="test")
    proposals = _matches(semester, "proposed")
    assert len(proposals) == 3 == outcome.plan.statistics.matched
    assert {m.student_id for m in proposals} == {s.id for s in students}
    assert all(m.windows_seoul.startswith("Mon ") and m.score > 0 for m in proposals)
    run = db.session.scalars(select(MatchRun)).one()
    assert run.summary["matched"] == 3 and run.parameters["session_minutes"] == 60
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "match.run")).one()
    assert event.detail["run"] == run.id


def test_rerun_keeps_proposals_and_their_pair_ids(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    for _ in range(2):
        make_student(semester)
        make_tutor(semester)
    run_matching(semester, actor="test")
    before = {m.student_id: (m.tutor_id, m.public_id) for m in _matches(semester)}
    outcome = run_matching(semester, actor="test")
    after = {m.student_id: (m.tutor_id, m.public_id) for m in _matches(semester)}
    assert before == after
    assert len(outcome.plan.diff.kept) == 2 and not outcome.plan.diff.new


def test_preview_writes_nothing(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    make_student(semester)
    make_tutor(semester)
    outcome = run_matching(semester, actor="test", save=False)
    assert outcome.run is None and outcome.plan.statistics.matched == 1
    assert _matches(semester) == []
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 0


def test_locked_and_confirmed_pairs_are_kept(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester, goals=frozenset({"speech"}))
    weak = make_tutor(semester, goals=frozenset({"career"}))
    make_tutor(semester, goals=frozenset({"speech"}))  # a better fit the lock must not steal to
    locked = Match(
        semester_id=semester.id, student_id=student.id, tutor_id=weak.id, status="locked"
    )
    other = make_student(semester)
    confirmed_tutor = make_tutor(semester)
    confirmed = Match(
        semester_id=semester.id,
        student_id=other.id,
        tutor_id=confirmed_tutor.id,
        status="confirmed",
        confirmed_at=utcnow(),
    )
    db.session.add_all([locked, confirmed])
    db.session.flush()
    run_matching(semester, actor="test")
    assert {(m.student_id, m.tutor_id, m.status) for m in _matches(semester)} == {
        (student.id, weak.id, "locked"),
        (other.id, confirmed_tutor.id, "confirmed"),
    }


def test_excluded_pair_is_never_proposed(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester)
    tutor = make_tutor(semester)
    db.session.add(
        Exclusion(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, reason="asked")
    )
    db.session.flush()
    outcome = run_matching(semester, actor="test")
    assert _matches(semester) == []
    (unmatched,) = [u for u in outcome.plan.unmatched if u.role == "student"]
    assert unmatched.person_id == student.public_id


def test_a_changed_proposal_replaces_the_old_one(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester)
    first = make_tutor(semester)
    run_matching(semester, actor="test")
    db.session.add(
        Exclusion(semester_id=semester.id, student_id=student.id, tutor_id=first.id, reason="x")
    )
    second = make_tutor(semester)
    db.session.flush()
    outcome = run_matching(semester, actor="test")
    (match,) = _matches(semester)
    assert match.tutor_id == second.id
    assert len(outcome.plan.diff.changed) == 1


def test_daylight_saving_breaks_a_first_week_only_pair(
    make_semester, make_student, make_tutor
) -> None:
    """19:00 EST Wednesday is 09:00 KST Thursday only until 14 March 2027."""
    semester = make_semester(starts_on=date(2027, 3, 2), ends_on=date(2027, 6, 19))
    student = make_student(semester, windows="Thu 09:00-10:00")
    tutor = make_tutor(semester, windows="Wed 19:00-20:00", timezone="America/New_York")
    outcome = run_matching(semester, actor="test")
    assert outcome.plan.statistics.matched == 0
    explanation = explain_for(semester, student, tutor)
    assert not explanation.feasible
    assert any("2027-03-14" in change for change in explanation.clock_changes)


def test_only_approved_applicants_take_part(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    make_student(semester, status="pending")
    make_student(semester, status="withdrawn")
    make_tutor(semester)
    with pytest.raises(DomainError, match="at least one approved student"):
        run_matching(semester, actor="test")


def test_closed_semester_refuses_matching(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    make_student(semester)
    make_tutor(semester)
    semester.status = "closed"
    with pytest.raises(DomainError, match="closed"):
        run_matching(semester, actor="test")


def test_continue_with_emails_become_engine_ids(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    student = make_student(semester, email="s@example.org", continue_with="T@example.org")
    tutor = make_tutor(semester, email="t@example.org", continue_with="s@example.org")
    problem = build_engine_input(semester).problem
    (person,) = problem.students
    assert person.continue_with == tutor.public_id
    assert problem.tutors[0].continue_with == student.public_id
    assert all("@" not in (p.continue_with or "") for p in (*problem.students, *problem.tutors))


def test_rematching_mid_semester_counts_from_today(make_semester) -> None:
    semester = make_semester(status="active")
    assert rematch_from(semester, date(2027, 4, 20)) == date(2027, 4, 20)
    assert rematch_from(semester, date(2027, 1, 5)) is None
    semester.status = "matching"
    assert rematch_from(semester, date(2027, 4, 20)) is None


def test_feasible_partner_counts(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    lonely = make_student(semester, windows="Sun 06:00-07:00")
    popular = make_student(semester, windows="Mon 19:00-21:00")
    make_tutor(semester, windows="Mon 19:00-21:00")
    make_tutor(semester, windows="Mon 19:00-20:00")
    counts = feasible_partner_counts(semester)
    assert counts[lonely.public_id] == 0
    assert counts[popular.public_id] == 2


def test_weights_are_validated() -> None:
    assert weights_from({"shared_goals": "5"}).shared_goals == 5.0
    with pytest.raises(DomainError, match="Unknown weight"):
        weights_from({"charm": 3})
    with pytest.raises(DomainError, match="number"):
        weights_from({"level_fit": "lots"})
    with pytest.raises(DomainError, match="between"):
        weights_from({"level_fit": -1})


def test_match_propose_command(runner, make_semester, make_student, make_tutor) -> None:
    semester = make_semester(name="Spring 2027")
    make_student(semester)
    make_student(semester, windows="Sun 06:00-07:00")
    make_tutor(semester)
    db.session.commit()
    result = runner.invoke(args=["match", "propose", "--semester", "Spring 2027"])
    assert result.exit_code == 0, result.output
    assert "Matched 1 of 2 students" in result.output
    assert "Unmatched: 1 students" in result.output
    assert db.session.scalar(select(func.count()).select_from(Match)) == 1


def test_match_propose_errors(runner) -> None:
    result = runner.invoke(args=["match", "propose", "--semester", "Nope"])
    assert result.exit_code != 0 and "No semester is called 'Nope'" in result.output
    result = runner.invoke(
        args=["match", "propose", "--semester", "Nope", "--session-minutes", "5"]
    )
    assert result.exit_code != 0 and "--session-minutes" in result.output


def test_match_confirm_command(runner, make_semester, make_student, make_tutor) -> None:
    semester = make_semester(name="Spring 2027")
    for _ in range(3):
        make_student(semester)
        make_tutor(semester)
    db.session.commit()
    runner.invoke(args=["match", "propose", "--semester", "Spring 2027"])
    first, *_others = sorted(m.public_id for m in _matches(semester))
    result = runner.invoke(args=["match", "confirm", "--semester", "Spring 2027", "--id", first])
    assert result.exit_code == 0, result.output
    assert "Confirmed 1 pair" in result.output
    assert {m.public_id for m in _matches(semester, "confirmed")} == {first}
    result = runner.invoke(args=["match", "confirm", "--semester", "Spring 2027", "--all"])
    assert result.exit_code == 0 and "Confirmed 2 pairs" in result.output
    assert len(_matches(semester, "confirmed")) == 3
    assert all(m.confirmed_at is not None for m in _matches(semester))


def test_match_confirm_errors(runner, make_semester, make_student, make_tutor) -> None:
    semester = make_semester(name="Spring 2027")
    other = make_semester(name="Fall 2027")
    make_student(other)
    make_tutor(other)
    db.session.commit()
    runner.invoke(args=["match", "propose", "--semester", "Fall 2027"])
    (foreign,) = _matches(other)
    neither = runner.invoke(args=["match", "confirm", "--semester", "Spring 2027"])
    assert neither.exit_code != 0 and "--all" in neither.output
    wrong = runner.invoke(
        args=["match", "confirm", "--semester", "Spring 2027", "--id", foreign.public_id]
    )
    assert wrong.exit_code != 0 and "not in semester" in wrong.output
    unknown = runner.invoke(args=["match", "confirm", "--semester", "Fall 2027", "--id", "P-NOPE"])
    assert unknown.exit_code != 0 and "No such pair" in unknown.output
    nothing = runner.invoke(args=["match", "confirm", "--semester", "Spring 2027", "--all"])
    assert nothing.exit_code != 0 and "no proposed or locked pair" in nothing.output
    assert _matches(other, "confirmed") == [] and semester.id
