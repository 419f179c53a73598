"""Applicant review: every action changes what a coordinator sees and leaves an audit row."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Exclusion, Match, OutboxMessage
from matcher.services.applicants.adding import hash_edit_token
from matcher.services.applicants.review import (
    ApplicantEdit,
    applicant_flags,
    bulk_approve,
    edit_applicant,
    erase_applicant,
    new_private_link,
    set_status,
)
from matcher.services.applicants.signup import applicant_for_token, withdraw_application
from matcher.services.errors import DomainError

ACTOR = "user:1"


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def pair(student, tutor, status="proposed") -> Match:
    match = Match(
        semester_id=student.semester_id, student_id=student.id, tutor_id=tutor.id, status=status
    )
    db.session.add(match)
    db.session.flush()
    return match


def edit_of(applicant, **changes) -> ApplicantEdit:
    values = {
        "display_name": applicant.display_name,
        "timezone": applicant.timezone,
        "availability": applicant.availability,
        "goals": tuple(applicant.goal_list),
        "levels": tuple(applicant.level_list),
        "gender": applicant.gender,
        "gender_preference": applicant.gender_preference,
        "korean": applicant.korean,
        "in_person": applicant.in_person,
        "capacity": applicant.capacity,
        "note": applicant.note,
        **changes,
    }
    return ApplicantEdit(**values)


def test_approve_waitlist_withdraw_are_audited_and_leaving_approval_ends_pairs(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, status="pending")
    tutor = make_tutor(semester)
    set_status(student, "approved", actor=ACTOR)
    match = pair(student, tutor, "locked")
    ended = set_status(student, "waitlisted", actor=ACTOR)
    assert ended == 1
    assert (match.status, match.end_reason) == ("ended", "applicant waitlisted by a coordinator")
    set_status(student, "withdrawn", actor=ACTOR)
    assert [e.action for e in audit("applicant.approve") + audit("applicant.waitlist")] == [
        "applicant.approve",
        "applicant.waitlist",
    ]
    (withdraw,) = audit("applicant.withdraw")
    assert (withdraw.target, withdraw.actor, withdraw.detail["from"]) == (
        student.public_id,
        ACTOR,
        "waitlisted",
    )
    assert audit("match.end")[0].target == match.public_id
    with pytest.raises(DomainError):
        set_status(student, "deleted", actor=ACTOR)


def test_bulk_approve_takes_only_pending_or_waitlisted_of_this_semester(
    make_semester, make_student
) -> None:
    semester, other = make_semester(), make_semester()
    pending = [make_student(semester, status="pending") for _ in range(3)]
    withdrawn = make_student(semester, status="withdrawn")
    elsewhere = make_student(other, status="pending")
    ids = [a.public_id for a in (*pending, withdrawn, elsewhere)]
    assert bulk_approve(semester, [*ids, "S-NOPE"], actor=ACTOR) == 3
    assert {a.status for a in pending} == {"approved"}
    assert withdrawn.status == "withdrawn"
    assert elsewhere.status == "pending"
    assert len(audit("applicant.approve")) == 3


def test_edit_checks_fields_and_a_new_time_ends_the_pair(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    match = pair(student, tutor, "confirmed")
    with pytest.raises(DomainError) as bad_time:
        edit_applicant(student, edit_of(student, availability="Mon 25:00-26:00"), actor=ACTOR)
    assert bad_time.value.field == "availability"
    with pytest.raises(DomainError) as bad_zone:
        edit_applicant(student, edit_of(student, timezone="Mars/Olympus"), actor=ACTOR)
    assert bad_zone.value.field == "timezone"
    assert edit_applicant(student, edit_of(student, note="prefers video off"), actor=ACTOR) == 0
    assert match.status == "confirmed"
    assert (
        edit_applicant(student, edit_of(student, availability="Sun 09:00-11:00"), actor=ACTOR) == 1
    )
    assert match.status == "ended"
    events = audit("applicant.edit")
    assert [e.detail["availability_changed"] for e in events] == [False, True]
    assert all("prefers" not in repr(e.detail) for e in events)


def test_new_private_link_replaces_the_old_one(make_student) -> None:
    applicant = make_student()
    first = new_private_link(applicant, actor=ACTOR)
    second = new_private_link(applicant, actor=ACTOR)
    assert applicant_for_token(first) is None
    assert applicant_for_token(second) is applicant
    assert applicant.edit_token_hash == hash_edit_token(second)
    assert all(second not in repr(e.detail) for e in audit("applicant.new_link"))


def test_erase_removes_personal_data_everywhere_and_ends_pairs(
    make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student = make_student(semester, display_name="Kim*", email="kim@example.org")
    tutor = make_tutor(semester)
    match = pair(student, tutor, "confirmed")
    match.manual_override_note = "Kim asked for this tutor"
    db.session.add(
        Exclusion(
            semester_id=semester.id, student_id=student.id, tutor_id=tutor.id, reason="Kim said no"
        )
    )
    new_private_link(student, actor=ACTOR)
    assert erase_applicant(student, actor=ACTOR) == 1
    db.session.flush()
    assert student.display_name == "(erased)"
    assert "kim" not in student.email
    assert student.edit_token_hash is None
    assert student.status == "withdrawn"
    assert match.status == "ended" and match.manual_override_note is None
    assert db.session.scalars(select(Exclusion)).all() == []
    everything = repr(
        [(e.actor, e.target, e.detail) for e in db.session.scalars(select(AuditEvent))]
    )
    assert "Kim" not in everything and "kim@" not in everything
    assert audit("applicant.erase")[0].target == student.public_id
    with pytest.raises(DomainError):
        set_status(student, "approved", actor=ACTOR)


def test_erasure_is_recorded_by_its_time_not_recognised_by_the_name(
    make_semester, make_student
) -> None:
    semester = make_semester()
    erased, namesake = make_student(semester), make_student(semester, display_name="(erased)")
    set_status(erased, "waitlisted", actor=ACTOR)
    set_status(namesake, "waitlisted", actor=ACTOR)
    erase_applicant(erased, actor=ACTOR)
    assert erased.erased_at is not None and erased.is_erased
    assert erase_applicant(erased, actor=ACTOR) == 0  # a second erasure changes nothing
    assert len(audit("applicant.erase")) == 1
    # Erased people are never approved in bulk; someone who merely chose that name is.
    erased.status = "waitlisted"
    assert bulk_approve(semester, [erased.public_id, namesake.public_id], actor=ACTOR) == 1
    assert (erased.status, namesake.status) == ("waitlisted", "approved")
    assert namesake.erased_at is None


def test_an_applicants_own_withdrawal_shows_up_as_a_flag_until_seen(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    match = pair(student, tutor, "locked")
    withdraw_application(student)
    (flag,) = applicant_flags(semester)
    assert (flag.pair_id, flag.applicant_id, flag.pair_status) == (
        match.public_id,
        student.public_id,
        "ended",
    )
    login(client, make_user())
    page = client.get(f"/dashboard/semesters/{semester.id}/applicants")
    assert f'id="flag-{match.public_id}"' in page.text
    client.post(f"/dashboard/semesters/{semester.id}/flags/{match.public_id}/seen")
    assert applicant_flags(semester) == []


# ----- pages ---------------------------------------------------------------------------------


def test_contact_details_appear_only_on_the_detail_page(
    client, make_user, login, make_semester, make_student
) -> None:
    semester = make_semester()
    student = make_student(semester, email="only-here@example.org")
    login(client, make_user())
    listing = client.get(f"/dashboard/semesters/{semester.id}/applicants")
    assert student.public_id in listing.text
    assert "only-here@example.org" not in listing.text
    detail = client.get(f"/dashboard/applicants/{student.public_id}")
    assert "only-here@example.org" in detail.text


def test_detail_shows_availability_in_own_and_seoul_time(
    client, make_user, login, make_semester, make_tutor
) -> None:
    semester = make_semester()
    tutor = make_tutor(semester, timezone="America/New_York", windows="Mon 07:00-09:00")
    login(client, make_user())
    page = client.get(f"/dashboard/applicants/{tutor.public_id}")
    seoul = re.search(r'id="seoul-time">(.*?)</td>', page.text, re.S).group(1)
    # 07:00 in New York in early March (EST, UTC−5) is 21:00 in Seoul; after 14 March (EDT) 20:00.
    assert "Mon 21:00-23:00" in seoul
    assert "from 2027-03-1" in seoul and "Mon 20:00-22:00" in seoul


def test_status_buttons_and_bulk_approve_through_the_pages(
    client, make_user, login, make_semester, make_student
) -> None:
    semester = make_semester()
    a, b = make_student(semester, status="pending"), make_student(semester, status="pending")
    login(client, make_user())
    client.post(f"/dashboard/applicants/{a.public_id}/status", data={"status": "waitlisted"})
    db.session.refresh(a)
    assert a.status == "waitlisted"
    client.post(
        f"/dashboard/semesters/{semester.id}/applicants/approve",
        data={"selected": [a.public_id, b.public_id]},
    )
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.status, b.status) == ("approved", "approved")


def test_withdrawing_someone_in_a_pair_asks_for_a_tick_first(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    match = Match(semester_id=semester.id, student_id=student.id, tutor_id=tutor.id)
    match.status = "confirmed"
    db.session.add(match)
    db.session.commit()
    login(client, make_user())
    url = f"/dashboard/applicants/{student.public_id}"
    assert 'name="end_pairs"' in client.get(url).text
    refused = client.post(url + "/status", data={"status": "withdrawn"}, follow_redirects=True)
    assert "Nothing changed" in refused.text and match.public_id in refused.text
    db.session.expire_all()
    assert (student.status, match.status) == ("approved", "confirmed")
    client.post(url + "/status", data={"status": "withdrawn", "end_pairs": "yes"})
    db.session.expire_all()
    assert (student.status, match.status) == ("withdrawn", "ended")
    free = make_student(semester)
    db.session.commit()
    assert 'name="end_pairs"' not in client.get(f"/dashboard/applicants/{free.public_id}").text


def test_edit_page_puts_errors_by_the_field_and_escapes_hostile_text(
    client, make_user, login, make_student
) -> None:
    student = make_student()
    login(client, make_user())
    form = {
        "display_name": "<script>alert(1)</script>\u202e",
        "timezone": "Asia/Seoul",
        "availability": "Mon 19:00-21:00",
        "goals": ["conversation"],
        "levels": ["beginner"],
        "note": "=cmd|' /C calc'!A0",
        "capacity": "1",
    }
    hidden = client.post(f"/dashboard/applicants/{student.public_id}/edit", data=form)
    assert "direction-override" in hidden.text
    form["display_name"] = "<script>alert(1)</script>"
    saved = client.post(f"/dashboard/applicants/{student.public_id}/edit", data=form)
    assert saved.status_code == 302
    page = client.get(f"/dashboard/applicants/{student.public_id}")
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;" in page.text
    bad = client.post(
        f"/dashboard/applicants/{student.public_id}/edit", data={**form, "availability": "whenever"}
    )
    assert bad.status_code == 200
    assert "expected a day and a time range" in bad.text


def test_new_link_is_emailed_not_shown_and_erase_needs_the_typed_id(
    client, make_user, login, make_student
) -> None:
    student = make_student()
    login(client, make_user())
    shown = client.post(f"/dashboard/applicants/{student.public_id}/link")
    assert shown.status_code == 302
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.applicant_id) == ("link_reissued", student.id)
    token = re.search(r"/me/([A-Za-z0-9_-]+)", message.body).group(1)
    assert applicant_for_token(token) == student
    assert token not in client.get(f"/dashboard/applicants/{student.public_id}").text
    client.post(f"/dashboard/applicants/{student.public_id}/erase", data={"confirm": "wrong"})
    db.session.refresh(student)
    assert student.display_name != "(erased)"
    client.post(
        f"/dashboard/applicants/{student.public_id}/erase", data={"confirm": student.public_id}
    )
    db.session.refresh(student)
    assert student.display_name == "(erased)"


def test_filters_and_pagination(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    for n in range(60):
        make_student(semester, status="pending" if n % 2 else "approved")
    make_tutor(semester, timezone="Europe/Berlin", display_name="Findme 100%_")
    login(client, make_user())
    url = f"/dashboard/semesters/{semester.id}/applicants"
    first = client.get(url)
    assert "61 applicant(s)" in first.text and "page 1 of 2" in first.text
    second = client.get(url, query_string={"page": 2})
    assert second.text.count('id="row-') == 11
    pending = client.get(url, query_string={"status": "pending", "role": "student"})
    assert "30 applicant(s)" in pending.text
    berlin = client.get(url, query_string={"timezone": "Europe/Berlin"})
    assert "1 applicant(s)" in berlin.text
    literal = client.get(url, query_string={"q": "100%_"})
    assert "1 applicant(s)" in literal.text
    nonsense = client.get(url, query_string={"page": "-3", "status": "'; DROP TABLE x"})
    assert nonsense.status_code == 200 and "61 applicant(s)" in nonsense.text
    few = client.get(url, query_string={"options": "few"})
    assert "few-options" in few.text  # the lone tutor leaves most students with 0-2 options
