"""An approved applicant who changes their name, email, time zone or gender preference through
the private link is flagged "changed since approval" until a coordinator reviews it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent

from .fixtures import app  # noqa: F401  (intake app: no minimum fill time)
from .payloads import done_link, student_post


@pytest.fixture
def approved(client, make_semester) -> tuple[str, str, int]:
    """A student who signed up and was approved: (private link, public id, semester id)."""
    semester = make_semester(status="intake")
    link = done_link(client.post("/apply/student", data=student_post()))
    student = db.session.scalars(select(Applicant)).one()
    student.status = "approved"
    db.session.commit()
    return link, student.public_id, semester.id


def dashboard(client, make_user, login):
    coordinator = client.application.test_client()
    login(coordinator, make_user())
    return coordinator


def test_a_change_of_name_after_approval_is_flagged_until_reviewed(
    client, approved, make_user, login
) -> None:
    link, public_id, semester_id = approved
    edited = client.post(link + "/edit", data=student_post(display_name="새 이름", consent=None))
    assert edited.status_code == 303
    coordinator = dashboard(client, make_user, login)
    listing = coordinator.get(f"/dashboard/semesters/{semester_id}/applicants").text
    assert f'id="changed-{public_id}"' in listing and "changed since approval" in listing
    page = coordinator.get(f"/dashboard/applicants/{public_id}").text
    assert 'id="changed-since-approval"' in page and "name" in page
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.changed_after_approval")
    )
    assert event.detail == {"fields": ["display_name"]}  # names of fields, never their values

    coordinator.post(f"/dashboard/applicants/{public_id}/reviewed")
    listing = coordinator.get(f"/dashboard/semesters/{semester_id}/applicants").text
    assert f'id="changed-{public_id}"' not in listing


@pytest.mark.parametrize(
    ("change", "flagged"),
    [
        ({"email": "moved@example.org"}, True),
        ({"timezone": "Asia/Tokyo"}, True),
        ({"gender_preference": ""}, True),
        ({"goals": ["grammar"]}, False),  # what the engine weighs, not who the person is
    ],
)
def test_which_changes_need_a_new_look(client, approved, make_user, login, change, flagged) -> None:
    link, public_id, semester_id = approved
    response = client.post(link + "/edit", data=student_post(consent=None, **change))
    assert response.status_code == 303, response.text
    coordinator = dashboard(client, make_user, login)
    listing = coordinator.get(f"/dashboard/semesters/{semester_id}/applicants").text
    assert (f'id="changed-{public_id}"' in listing) is flagged


def test_a_pending_applicants_changes_are_not_flagged(client, approved) -> None:
    link, _public_id, _semester_id = approved
    student = db.session.scalars(select(Applicant)).one()
    student.status = "pending"
    db.session.commit()
    client.post(link + "/edit", data=student_post(display_name="다른 이름", consent=None))
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.changed_after_approval")
    ).all()
