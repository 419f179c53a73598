"""Starting the next semester from the last: who comes back, with what, and whom they continue with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Semester
from matcher.services.pairs.matching import run_matching
from matcher.services.semesters.lifecycle import start_next_semester

from .pairs import make_pair


def applicants_of(semester_name: str) -> dict[str, Applicant]:
    semester = db.session.scalars(select(Semester).where(Semester.name == semester_name)).one()
    rows = db.session.scalars(select(Applicant).where(Applicant.semester_id == semester.id))
    return {a.email: a for a in rows}


def start_next(runner, *extra: str):
    return runner.invoke(
        args=[
            "semester", "start-next", "Fall 2027", "--from", "Spring 2027",
            "--start", "2027-09-01", "--end", "2027-12-18", *extra,
        ]
    )  # fmt: skip


@pytest.fixture
def spring(make_semester, make_student, make_tutor):
    """Spring 2027, closed, with every kind of ending a pair can have."""
    semester = make_semester(name="Spring 2027", status="active", session_minutes=90)
    people = {}

    def student(key: str, **fields):
        people[key] = make_student(semester, email=f"{key}@example.org", **fields)

    def tutor(key: str, **fields):
        people[key] = make_tutor(semester, email=f"{key}@example.org", **fields)

    student(
        "ara",
        display_name="아라*",
        timezone="Asia/Seoul",
        windows="Thu 09:00-10:00",
        goals=frozenset({"speech", "grammar"}),
        gender_preference="female",
    )
    tutor("tess", timezone="America/New_York", windows="Wed 19:00-21:00", gender="female")
    student("ben")
    tutor("bo")
    student("cho")
    tutor("cy")
    student("dal")
    tutor("dee", capacity=2)
    student("eun")
    student("fay", status="withdrawn")
    tutor("fin")
    student("gil")  # approved, never paired
    make_pair(semester, people["ara"], people["tess"])
    make_pair(semester, people["ben"], people["bo"], status="ended")
    make_pair(semester, people["cho"], people["cy"], status="proposed")
    make_pair(semester, people["dal"], people["dee"], confirmed_at=datetime(2027, 3, 2, tzinfo=UTC))
    make_pair(
        semester, people["eun"], people["dee"], confirmed_at=datetime(2027, 3, 20, tzinfo=UTC)
    )
    make_pair(semester, people["fay"], people["fin"])
    people["ara"].note = "prefers speech practice"
    semester.status = "closed"
    semester.closed_at = datetime(2027, 6, 30, tzinfo=UTC)
    db.session.commit()
    return people


def test_start_next_carries_the_continuing_pairs_as_pending(spring, runner) -> None:
    result = start_next(runner)
    assert result.exit_code == 0, result.output
    assert "3 students and 2 tutors" in result.output
    fall = applicants_of("Fall 2027")
    # Ended, proposed-only, never-paired and withdrawn people (and their partners) stay behind.
    assert set(fall) == {
        "ara@example.org",
        "tess@example.org",
        "dal@example.org",
        "eun@example.org",
        "dee@example.org",
    }
    assert {a.status for a in fall.values()} == {"pending"}
    new_semester = db.session.scalars(select(Semester).where(Semester.name == "Fall 2027")).one()
    assert new_semester.status == "intake"
    assert new_semester.session_minutes == 90


def test_continuing_pairs_name_each_other(spring, runner) -> None:
    assert start_next(runner).exit_code == 0
    fall = applicants_of("Fall 2027")
    assert fall["ara@example.org"].continue_with == "tess@example.org"
    assert fall["tess@example.org"].continue_with == "ara@example.org"
    # A tutor has room for one partner: the longest-running pair; both students name the tutor.
    assert fall["dee@example.org"].continue_with == "dal@example.org"
    assert fall["dal@example.org"].continue_with == "dee@example.org"
    assert fall["eun@example.org"].continue_with == "dee@example.org"


def test_answers_and_consent_come_along_but_not_notes_or_ids(spring, runner) -> None:
    assert start_next(runner).exit_code == 0
    old, new = spring["ara"], applicants_of("Fall 2027")["ara@example.org"]
    assert new.display_name == "아라*"
    assert new.timezone == "Asia/Seoul"
    assert new.availability == old.availability == "Thu 09:00-10:00"
    assert new.goals == "grammar;speech"
    assert new.gender_preference == "female"
    assert new.consented_at == old.consented_at
    assert new.notice_version == old.notice_version
    assert new.note is None
    assert new.public_id != old.public_id and new.public_id.startswith("S-")
    # A fresh private link of its own (emailed; see tests/mail/test_event_mail.py), not the old one.
    assert new.edit_token_hash is not None and new.edit_token_hash != old.edit_token_hash
    assert applicants_of("Fall 2027")["dee@example.org"].capacity == 2


def test_start_next_is_audited_with_counts_only(spring, runner) -> None:
    assert start_next(runner).exit_code == 0
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "semester.start_next")
    ).one()
    assert event.detail["students"] == 3
    assert event.detail["tutors"] == 2
    assert event.detail["continuing_pairs"] == 2
    assert "@" not in str(event.detail)


def test_the_previous_semester_is_left_as_it_was(spring, runner) -> None:
    before = {a.email: (a.status, a.continue_with) for a in applicants_of("Spring 2027").values()}
    assert start_next(runner).exit_code == 0
    db.session.expire_all()
    after = {a.email: (a.status, a.continue_with) for a in applicants_of("Spring 2027").values()}
    assert after == before


def test_another_semester_taking_sign_ups_stops_it_and_nothing_is_created(
    spring, make_semester, runner
) -> None:
    make_semester(name="Summer 2027", status="intake")
    db.session.commit()
    result = start_next(runner)
    assert result.exit_code != 0
    assert "still taking sign-ups" in result.output
    assert db.session.scalars(select(Semester).where(Semester.name == "Fall 2027")).first() is None


def test_unknown_previous_semester_is_a_clear_error(spring, runner) -> None:
    result = runner.invoke(
        args=["semester", "start-next", "Fall 2027", "--from", "Nope",
              "--start", "2027-09-01", "--end", "2027-12-18"]
    )  # fmt: skip
    assert result.exit_code != 0
    assert "No semester is called 'Nope'" in result.output


def test_the_engine_prefers_the_continuing_pairs(make_semester, make_student, make_tutor) -> None:
    """Crossed on goals on purpose: without continue_with the engine would swap the partners."""
    spring = make_semester(name="Spring 2027", status="active")
    ara = make_student(spring, goals=frozenset({"speech"}))
    ben = make_student(spring, goals=frozenset({"career"}))
    speech_tutor = make_tutor(spring, goals=frozenset({"speech"}))
    career_tutor = make_tutor(spring, goals=frozenset({"career"}))
    make_pair(spring, ara, career_tutor)
    make_pair(spring, ben, speech_tutor)
    spring.status, spring.closed_at = "closed", datetime.now(UTC)
    carried = start_next_semester(
        "Fall 2027", spring, spring.starts_on, spring.ends_on, actor="test"
    )
    fall = carried.semester
    fall.status = "matching"
    people = db.session.scalars(select(Applicant).where(Applicant.semester_id == fall.id)).all()
    for person in people:
        person.status = "approved"
    db.session.flush()
    plan = run_matching(fall, actor="test", save=False).plan
    by_public_id = {p.public_id: p.email for p in people}
    chosen = {(by_public_id[p.student_id], by_public_id[p.tutor_id]) for p in plan.pairs}
    assert chosen == {(ara.email, career_tutor.email), (ben.email, speech_tutor.email)}
