"""The overview: counts, the heat map of missing tutors, few-option students, status moves."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import event, func, select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Match
from matcher.services.semesters.overview import heat_map, semester_counts, shortage_level


def cell(page: str, hour: int, day: int) -> str:
    table = re.search(r'<table class="heat" id="heat-map">(.*?)</table>', page, re.S).group(1)
    row = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)[hour]
    return re.findall(r"<td[^>]*>.*?</td>", row, re.S)[day]


def test_counts_by_role_status_and_pairs(make_semester, make_student, make_tutor) -> None:
    semester = make_semester()
    students = [make_student(semester) for _ in range(4)]
    make_student(semester, status="pending")
    tutor = make_tutor(semester, capacity=3)
    for student, status in zip(students[:3], ("proposed", "locked", "confirmed"), strict=True):
        db.session.add(
            Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, status=status)
        )
    db.session.flush()
    counts = semester_counts(semester)
    assert counts.by_role_status[("student", "approved")] == 4
    assert counts.by_role_status[("student", "pending")] == 1
    assert (counts.students_matched, counts.students_proposed, counts.students_unmatched) == (
        1,
        2,
        1,
    )


def test_ended_pairs_count_only_pairs_that_were_agreed(
    make_semester, make_student, make_tutor
) -> None:
    """As the roster: a proposal excluded before anyone confirmed it was never a pair."""
    semester = make_semester()
    first, second = make_student(semester), make_student(semester)
    tutor = make_tutor(semester, capacity=2)
    db.session.add_all(
        [
            Match(
                semester_id=semester.id,
                student_id=first.id,
                tutor_id=tutor.id,
                status="ended",
                confirmed_at=datetime(2027, 3, 9, tzinfo=UTC),
                ended_at=datetime(2027, 4, 1, tzinfo=UTC),
                end_reason="moved away",
            ),
            Match(
                semester_id=semester.id,
                student_id=second.id,
                tutor_id=tutor.id,
                status="ended",
                ended_at=datetime(2027, 3, 5, tzinfo=UTC),
                end_reason="excluded by a coordinator",
            ),
        ]
    )
    db.session.flush()
    assert semester_counts(semester).by_match_status.get("ended") == 1


def test_heat_map_converts_tutors_to_seoul_time_and_grades_the_shortage(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester(starts_on=date(2027, 1, 11), ends_on=date(2027, 3, 5))  # all EST
    for _ in range(3):
        make_student(semester, windows="Tue 09:00-10:00")
    make_tutor(semester, timezone="America/New_York", windows="Mon 19:00-20:00")
    make_student(semester, status="pending", windows="Wed 09:00-10:00")  # not approved: ignored
    heat = heat_map(semester)
    tuesday_nine = heat.rows[9][1][1]
    assert (tuesday_nine.students, tuesday_nine.tutors) == (3, 1)
    assert tuesday_nine.level == "2"
    assert heat.rows[9][1][2].students == 0
    assert [shortage_level(s, t) for s, t in ((0, 5), (2, 2), (2, 1), (9, 1))] == [
        "0",
        "ok",
        "1",
        "4",
    ]


def test_heat_map_counts_only_hours_free_before_and_after_a_clock_change(
    make_semester, make_tutor
) -> None:
    """New York leaves daylight time on 2027-11-07: 07:00 there is 20:00 in Seoul, then 21:00."""
    semester = make_semester(starts_on=date(2027, 9, 6), ends_on=date(2027, 12, 17))
    make_tutor(semester, timezone="America/New_York", windows="Mon 07:00-09:00")
    make_tutor(semester, timezone="America/New_York", windows="Tue 07:00-08:00")
    monday = [heat_map(semester).rows[hour][1][0].tutors for hour in (20, 21, 22)]
    assert monday == [0, 1, 0]  # 20-22 before the change, 21-23 after: only 21:00 both times
    assert all(row[1][1].tutors == 0 for row in heat_map(semester).rows)  # one hour: never both

    summer = make_semester(starts_on=date(2027, 9, 6), ends_on=date(2027, 10, 29))
    make_tutor(summer, timezone="America/New_York", windows="Mon 07:00-09:00")
    assert [heat_map(summer).rows[hour][1][0].tutors for hour in (20, 21, 22)] == [1, 1, 0]


def test_overview_page_shows_heat_map_and_highlights_few_option_students(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    lonely = make_student(semester, windows="Sun 03:00-05:00", display_name="Night Owl")
    make_student(semester, windows="Mon 19:00-21:00")
    for _ in range(3):
        make_tutor(semester, windows="Mon 19:00-21:00")
    login(client, make_user())
    page = client.get(f"/dashboard/semesters/{semester.id}")
    assert page.status_code == 200
    assert 'class="heat-ok"' in cell(page.text, 19, 0)
    assert "1/3" in cell(page.text, 19, 0)
    few = re.search(r'id="few-options">(.*?)</table>', page.text, re.S).group(1)
    assert lonely.public_id in few
    assert "style=" not in page.text and "<script" not in page.text


def test_status_moves_forward_only_after_confirmation(
    client, make_user, login, make_semester
) -> None:
    semester = make_semester(status="intake")
    login(client, make_user())
    confirm = client.get(
        f"/dashboard/semesters/{semester.id}/status", query_string={"to": "matching"}
    )
    assert "cannot be undone" in confirm.text
    db.session.refresh(semester)
    assert semester.status == "intake"
    client.post(f"/dashboard/semesters/{semester.id}/status", data={"to": "matching"})
    db.session.refresh(semester)
    assert semester.status == "matching"
    client.post(f"/dashboard/semesters/{semester.id}/status", data={"to": "intake"})
    db.session.refresh(semester)
    assert semester.status == "matching"
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "semester.status")
    ).one().detail == {"from": "intake", "to": "matching"}


def test_pages_make_no_more_queries_for_a_thousand_applicants_than_for_ten(
    app, client, make_user, login, make_semester
) -> None:
    """No query per applicant. (How long the pages take is measured in bench/, not asserted
    here, where it would depend on the machine and its load.)"""
    from matcher.demo import demo_applicants
    from matcher.services.applicants.adding import add_applicant

    semester = make_semester()
    people = demo_applicants(semester.starts_on, 500, 500, seed=7)
    login(client, make_user())
    urls = (
        f"/dashboard/semesters/{semester.id}",
        f"/dashboard/semesters/{semester.id}/applicants",
        f"/dashboard/semesters/{semester.id}/applicants?options=few&page=2",
    )
    counts = []
    for group in (people[:5] + people[500:505], people[5:500] + people[505:]):
        for person in group:
            add_applicant(semester, person, status="approved", notice_version="test")
        counts.append([_statements(client, url) for url in urls])
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1000
    assert all(many <= few for few, many in zip(*counts, strict=True)), counts


def _statements(client, url: str) -> int:
    """How many SQL statements the page's request runs."""
    seen = []

    def count(*args: object) -> None:
        seen.append(args[2])

    engine = db.engines[None]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(seen)
