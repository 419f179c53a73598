"""The dashboard download: an attachment with no name in its file name, not cached, and audited."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from flask import request
from sqlalchemy import select

from matcher.coordinator.downloads import roster_download_response
from matcher.extensions import db
from matcher.models import AuditEvent, Semester, User
from matcher.services.errors import DomainError

from .sample import CONTRACT_HEADER


@pytest.fixture
def download_client(app, make_semester, make_student, make_user):
    """A throwaway route that calls the download the way the dashboard's route will."""
    semester = make_semester(name="Spring 2027")
    make_student(semester, display_name="Nari Secret*")
    coordinator = make_user()
    db.session.commit()
    coordinator_id = coordinator.id  # the route runs in its own session, not the test's

    def download(semester_id: int):
        return roster_download_response(
            db.session.get(Semester, semester_id),
            request.args.get("format", "csv"),
            request.args.get("contacts") == "1",
            request.args.get("reason"),
            db.session.get(User, coordinator_id),
        )

    app.add_url_rule("/test-roster/<int:semester_id>", view_func=download)
    return app.test_client(), semester, coordinator


def test_csv_download_is_an_unnamed_uncached_attachment(download_client) -> None:
    client, semester, coordinator = download_client
    response = client.get(f"/test-roster/{semester.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    match = re.fullmatch(
        rf'attachment; filename="roster-{semester.id}-(EXP-[0-9A-Z]{{10}})\.csv"', disposition
    )
    assert match, disposition
    assert "Nari" not in disposition and "Spring" not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline=""))
    records = list(reader)
    assert reader.fieldnames == CONTRACT_HEADER
    assert records[0]["student_name"] == "Nari Secret*"
    assert records[0]["export_id"] == match.group(1)
    db.session.rollback()  # the audit row was committed before the file left
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export")).one()
    assert event.actor == f"user:{coordinator.id}"
    assert event.detail["export_id"] == match.group(1)
    assert b"@" not in response.data


def test_xlsx_download(download_client) -> None:
    client, semester, _ = download_client
    response = client.get(f"/test-roster/{semester.id}?format=xlsx")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.properties.identifier in response.headers["Content-Disposition"]


def test_contacts_with_a_reason_are_audited_with_it(download_client) -> None:
    client, semester, _ = download_client
    response = client.get(f"/test-roster/{semester.id}?contacts=1&reason=speech+contest+invites")
    assert b"@example.org" in response.data
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export")).one()
    assert event.detail["contacts"] is True
    assert event.detail["reason"] == "speech contest invites"


def test_contacts_without_a_reason_raise_for_the_form_and_audit_nothing(download_client) -> None:
    _, semester, coordinator = download_client
    with pytest.raises(DomainError) as raised:
        roster_download_response(semester, "csv", True, "", coordinator)
    assert raised.value.field == "reason"
    with pytest.raises(DomainError) as raised:
        roster_download_response(semester, "pdf", False, None, coordinator)
    assert raised.value.field == "format"
    db.session.rollback()
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export")).all()
        == []
    )
