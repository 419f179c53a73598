"""The applicant list sorts by name, status, time zone or partner count, keeping the filters."""

from __future__ import annotations

import re

from matcher.extensions import db


def listed(page: str) -> list[str]:
    table = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return re.findall(r'href="/dashboard/applicants/([ST]-[A-Z0-9]+)"', table)


def test_sorting_by_name_status_zone_and_partners(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    cho = make_student(semester, display_name="Cho*", windows="Sat 03:00-04:00")
    ahn = make_student(semester, display_name="ahn*", status="waitlisted", timezone="Asia/Tokyo")
    bae = make_student(semester, display_name="Bae*", status="pending")
    tutor = make_tutor(semester, display_name="Tutor Dee", timezone="America/New_York")
    db.session.commit()
    login(client, make_user())
    url = f"/dashboard/semesters/{semester.id}/applicants"

    assert listed(client.get(url).text) == [
        cho.public_id,
        ahn.public_id,
        bae.public_id,
        tutor.public_id,
    ]
    by_name = client.get(url, query_string={"sort": "name"}).text
    assert listed(by_name) == [ahn.public_id, bae.public_id, cho.public_id, tutor.public_id]
    assert "Name ▲" in by_name
    by_status = listed(client.get(url, query_string={"sort": "status"}).text)
    assert by_status == [cho.public_id, tutor.public_id, bae.public_id, ahn.public_id]
    by_zone = listed(client.get(url, query_string={"sort": "timezone"}).text)
    assert by_zone[0] == tutor.public_id and by_zone[-1] == ahn.public_id
    # Fewest feasible partners first: Cho (a night owl) has none.
    assert listed(client.get(url, query_string={"sort": "options", "role": "student"}).text)[0] == (
        cho.public_id
    )
    # The sort links keep the filters; the filter form keeps the sort.
    filtered = client.get(url, query_string={"role": "student", "sort": "name"}).text
    assert re.search(r'href="[^"]*role=student[^"]*sort=status', filtered)
    assert '<input type="hidden" name="sort" value="name">' in filtered
    assert client.get(url, query_string={"sort": "<script>"}).status_code == 200
