"""The basic commands: clear messages and non-zero exits for bad arguments."""

from __future__ import annotations

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Semester, User
from matcher.security.passwords import verify_password


def test_semester_create_opens_intake(app_ctx, runner) -> None:
    result = runner.invoke(
        args=["semester", "create", "Spring 2027", "--start", "2027-03-02", "--end", "2027-06-19"]
    )
    assert result.exit_code == 0, result.output
    semester = db.session.scalars(select(Semester)).one()
    assert (semester.status, semester.session_minutes) == ("intake", 60)
    assert "Spring 2027" in result.output


def test_semester_create_refuses_bad_dates(app_ctx, runner) -> None:
    result = runner.invoke(
        args=["semester", "create", "S", "--start", "03/02/2027", "--end", "2027-06-19"]
    )
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output
    result = runner.invoke(
        args=["semester", "create", "S", "--start", "2027-06-19", "--end", "2027-03-02"]
    )
    assert result.exit_code != 0
    assert "ends" in result.output and "before it starts" in result.output
    assert db.session.scalar(select(func.count()).select_from(Semester)) == 0


def test_semester_create_refuses_bad_session_length(runner) -> None:
    result = runner.invoke(
        args=[
            "semester",
            "create",
            "S",
            "--start",
            "2027-03-02",
            "--end",
            "2027-06-19",
            "--session-minutes",
            "5",
        ]
    )
    assert result.exit_code != 0
    assert "--session-minutes" in result.output


def test_second_semester_in_intake_is_refused(runner) -> None:
    args = ["--start", "2027-03-02", "--end", "2027-06-19"]
    assert runner.invoke(args=["semester", "create", "A", *args]).exit_code == 0
    result = runner.invoke(args=["semester", "create", "B", *args])
    assert result.exit_code != 0
    assert "still taking sign-ups" in result.output
    assert runner.invoke(args=["semester", "status", "A", "matching"]).exit_code == 0
    assert runner.invoke(args=["semester", "create", "B", *args]).exit_code == 0


def test_duplicate_semester_name_is_refused(runner) -> None:
    args = ["--start", "2027-03-02", "--end", "2027-06-19"]
    runner.invoke(args=["semester", "create", "A", *args])
    runner.invoke(args=["semester", "status", "A", "active"])
    result = runner.invoke(args=["semester", "create", "A", *args])
    assert result.exit_code != 0 and "already exists" in result.output


def test_semester_status_moves_forward_only(app_ctx, runner) -> None:
    runner.invoke(args=["semester", "create", "A", "--start", "2027-03-02", "--end", "2027-06-19"])
    assert runner.invoke(args=["semester", "status", "A", "matching"]).exit_code == 0
    backward = runner.invoke(args=["semester", "status", "A", "intake"])
    assert backward.exit_code != 0 and "only move forward" in backward.output
    assert runner.invoke(args=["semester", "status", "A", "closed"]).exit_code == 0
    final = runner.invoke(args=["semester", "status", "A", "active"])
    assert final.exit_code != 0 and "closed" in final.output
    assert db.session.scalars(select(Semester)).one().status == "closed"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("semester.status") == 2


def test_semester_status_unknown_name_or_status(runner) -> None:
    result = runner.invoke(args=["semester", "status", "Nope", "matching"])
    assert result.exit_code != 0 and "No semester is called 'Nope'" in result.output
    result = runner.invoke(args=["semester", "status", "Nope", "finished"])
    assert result.exit_code != 0 and "finished" in result.output


def test_semester_list(runner, make_semester, make_student) -> None:
    assert "No semesters yet" in runner.invoke(args=["semester", "list"]).output
    semester = make_semester(name="Fall 2026", status="active")
    make_student(semester)
    db.session.commit()
    output = runner.invoke(args=["semester", "list"]).output
    assert "Fall 2026" in output and "active" in output


def test_create_coordinator_from_stdin(app_ctx, runner) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create-coordinator",
            "Admin@Example.org",
            "--name",
            "Kim*",
            "--admin",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.role) == ("admin@example.org", "admin")
    assert verify_password(user.password_hash, "a long enough password")
    assert "a long enough password" not in user.password_hash


def test_create_coordinator_from_prompt_and_errors(app_ctx, runner) -> None:
    result = runner.invoke(
        args=["users", "create-coordinator", "c@example.org", "--name", "C"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=["users", "create-coordinator", "C@example.org", "--name", "C", "--password-stdin"],
        input="a long enough password\n",
    )
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(
        args=["users", "create-coordinator", "d@example.org", "--name", "D", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 12" in short.output
    bad = runner.invoke(
        args=["users", "create-coordinator", "not-an-email", "--name", "D", "--password-stdin"],
        input="a long enough password\n",
    )
    assert bad.exit_code != 0 and "not an email" in bad.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_loads_a_synthetic_semester_once(app_ctx, runner) -> None:
    result = runner.invoke(args=["demo", "--students", "30", "--tutors", "25"])
    assert result.exit_code == 0, result.output
    assert "coordinator@example.org" in result.output
    semester = db.session.scalars(select(Semester)).one()
    assert semester.status == "intake"
    applicants = db.session.scalars(select(Applicant)).all()
    assert sum(a.role == "student" for a in applicants) == 30
    tutors = [a for a in applicants if a.role == "tutor"]
    assert len(tutors) == 25
    assert len({t.timezone for t in tutors}) >= 5, "tutors should come from many time zones"
    assert all(a.timezone == "Asia/Seoul" for a in applicants if a.role == "student")
    assert any(any("\uac00" <= ch <= "\ud7a3" for ch in a.display_name) for a in applicants)
    assert all(a.email.endswith("@example.org") for a in applicants)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 55


def test_demo_password_works(app_ctx, runner) -> None:
    import re

    output = runner.invoke(args=["demo", "--students", "2", "--tutors", "2"]).output
    password = re.search(r"coordinator@example\.org / (\S+)", output).group(1)
    user = db.session.scalars(select(User)).one()
    assert verify_password(user.password_hash, password)
