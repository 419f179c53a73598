"""Messages caused by coordinators' actions: a semester starts or ends, a new one, an import."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, Match, OutboxMessage, Semester
from matcher.services.applicants.links import applicant_for_token


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def token_in(message: OutboxMessage) -> str:
    found = re.search(r"/me/([A-Za-z0-9_-]+)", message.body or "")
    assert found, message.body
    return found.group(1)


def confirmed(semester: Semester, student: Applicant, tutor: Applicant) -> Match:
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 3, 2, tzinfo=UTC),
    )
    db.session.add(match)
    db.session.flush()
    return match


def test_activating_reminds_each_paired_person_once_with_a_working_link(
    runner, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester(name="Spring 2027", status="matching")
    student, tutor = make_student(semester), make_tutor(semester)
    tutor.language = "en"
    make_student(semester)  # approved, unpaired: no "meet your partner" message
    confirmed(semester, student, tutor)
    db.session.commit()

    result = runner.invoke(args=["semester", "status", "Spring 2027", "active"])

    assert result.exit_code == 0, result.output
    messages = outbox("semester_active")
    assert sorted(m.applicant_id for m in messages) == sorted([student.id, tutor.id])
    by_person = {m.applicant_id: m for m in messages}
    assert by_person[student.id].subject == "Spring 2027 학기가 시작되었습니다"
    assert by_person[tutor.id].subject == "Spring 2027 has started"
    assert applicant_for_token(token_in(by_person[tutor.id])) == tutor


def test_closing_thanks_every_approved_person(runner, make_semester, make_student) -> None:
    semester = make_semester(name="Spring 2027", status="active")
    kept = make_student(semester)
    make_student(semester, status="withdrawn")
    db.session.commit()

    assert runner.invoke(args=["semester", "close", "Spring 2027"]).exit_code == 0

    [message] = outbox("semester_closed")
    assert message.applicant_id == kept.id
    assert "12개월" in message.body


def test_people_carried_into_a_new_semester_get_its_link(
    runner, make_semester, make_student, make_tutor
) -> None:
    spring = make_semester(name="Spring 2027", status="active")
    student, tutor = make_student(spring), make_tutor(spring)
    confirmed(spring, student, tutor)
    spring.status = "closed"
    spring.closed_at = datetime(2027, 6, 30, tzinfo=UTC)
    db.session.commit()

    result = runner.invoke(
        args=[
            "semester", "start-next", "Fall 2027", "--from", "Spring 2027",
            "--start", "2027-09-01", "--end", "2027-12-18",
        ]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    messages = outbox("new_semester")
    assert len(messages) == 2
    for message in messages:
        person = applicant_for_token(token_in(message))
        assert person is not None and person.semester.name == "Fall 2027"
        assert person.id == message.applicant_id
        assert "Fall 2027" in message.subject


def _write(path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _person(n: int, **cells: str) -> dict[str, str]:
    return {
        "role": "student",
        "display_name": f"Byeol* {n}",
        "email": f"import{n}@example.org",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00",
        "goals": "conversation",
        "level": "beginner",
        "language": "",
        "share_contact": "",
    } | cells


def test_imports_send_nothing_unless_asked(runner, make_semester, tmp_path) -> None:
    make_semester(name="Spring 2027", status="intake")
    db.session.commit()
    first = tmp_path / "first.csv"
    _write(first, [_person(1), _person(2, role="tutor", level="beginner", share_contact="yes")])
    plain = runner.invoke(args=["applicants", "import", "--semester", "Spring 2027", str(first)])
    assert plain.exit_code == 0, plain.output
    assert outbox() == []
    second = tmp_path / "second.csv"
    _write(second, [_person(1), _person(3, language="en")])

    result = runner.invoke(
        args=["applicants", "import", "--semester", "Spring 2027", "--send-links", str(second)]
    )

    assert result.exit_code == 0, result.output
    assert "Queued 1 private link email(s)." in result.output
    [message] = outbox()  # only the new person; the known one was updated, not re-sent
    person = applicant_for_token(token_in(message))
    assert person is not None and person.email == "import3@example.org"
    assert (message.language, person.language) == ("en", "en")
    people = {a.email: a for a in db.session.scalars(select(Applicant))}
    assert people["import2@example.org"].language == "en"  # a tutor's default
    assert people["import2@example.org"].share_contact is True
    assert people["import1@example.org"].share_contact is False
