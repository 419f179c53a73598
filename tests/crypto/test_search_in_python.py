"""Search and de-duplication that moved out of SQL because the fields are encrypted."""

from __future__ import annotations

import unicodedata

from matcher.extensions import db
from matcher.services.applicants.listing import PAGE_SIZE, ApplicantQuery, search_applicants
from matcher.services.applicants.review import bulk_approve, erase_applicant


def test_search_finds_names_and_emails_in_any_case_and_hangul_form(
    app, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    kim = make_student(semester, display_name="김민수 Kim", email="minsu.kim@example.org")
    make_tutor(semester, display_name="Olivia Grant", email="olivia@example.org")
    db.session.commit()

    def found(text: str) -> list[str]:
        page = search_applicants(semester, ApplicantQuery(text=text))
        return [a.public_id for a in page.rows]

    assert found("KIM") == [kim.public_id]
    assert found(unicodedata.normalize("NFD", "민수")) == [kim.public_id]
    assert found("MINSU.KIM@") == [kim.public_id]
    assert found(kim.public_id.lower()) == [kim.public_id]
    assert found("%") == [] and found("'; --") == []


def test_search_pages_in_python(app, make_semester, make_student) -> None:
    semester = make_semester()
    for n in range(PAGE_SIZE + 5):
        make_student(semester, display_name=f"Paging Person {n}")
    make_student(semester, display_name="Somebody Else")
    db.session.commit()
    first = search_applicants(semester, ApplicantQuery(text="paging person"))
    second = search_applicants(semester, ApplicantQuery(text="paging person", page=2))
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (55, 2, 50, 5)
    assert {a.display_name for a in second.rows} == {f"Paging Person {n}" for n in range(50, 55)}


def test_bulk_approve_skips_erased_people(app, make_semester, make_student) -> None:
    semester = make_semester()
    kept = make_student(semester, status="pending")
    gone = make_student(semester, status="pending")
    erase_applicant(gone, actor="user:1")
    db.session.commit()
    assert bulk_approve(semester, [kept.public_id, gone.public_id], actor="user:1") == 1
    assert (kept.status, gone.status) == ("approved", "withdrawn")
