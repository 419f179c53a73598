"""Dashboard pages for the end of a semester: roster download, start-next, retention reminder."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from markupsafe import escape
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent, Match, Semester
from matcher.models.base import utcnow

# Copied by hand from shared/contracts/outputs.md on purpose (not imported from the code).
CONTRACT_HEADER = [
    "export_id", "section", "pair_id", "student_id", "student_name", "tutor_id", "tutor_name",
    "status", "windows_seoul", "windows_student_local", "windows_tutor_local", "shared_goals",
    "score", "confirmed_at", "confirmed_by", "ended_at", "end_reason",
    "session_seoul", "session_student_local", "session_tutor_local", "session_agreed",
    "sessions_met", "sessions_missed", "last_met_on", "student_timezone", "tutor_timezone",
    "override_note",
]  # fmt: skip
CONTACT_COLUMNS_AFTER_TUTOR_NAME = ["student_email", "tutor_email"]
DISPOSITION = re.compile(r'attachment; filename="roster-(\d+)-(EXP-[0-9A-Z]{10})\.(csv|xlsx)"')


def confirmed_pair(semester: Semester, student: Applicant, tutor: Applicant) -> Match:
    match = Match(
        semester_id=semester.id,
        student_id=student.id,
        tutor_id=tutor.id,
        status="confirmed",
        confirmed_at=datetime(2027, 3, 9, tzinfo=UTC),
    )
    db.session.add(match)
    db.session.flush()
    return match


def exports() -> list[AuditEvent]:
    db.session.rollback()  # see what the request committed
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export")))


def field_error(page: str, field_id: str) -> str:
    """The error shown next to a field (the span the field's aria-describedby points at)."""
    found = re.search(rf'id="{field_id}-error">(.*?)</', page, re.S)
    assert found, f"no error next to {field_id}"
    return html.unescape(found.group(1))


# ----- roster download -------------------------------------------------------------------------


@pytest.fixture
def spring(make_semester, make_student, make_tutor):
    semester = make_semester(name="Spring 2027", status="active")
    student = make_student(
        semester,
        display_name="Nari Secret*",
        email="nari.secret@example.org",
        windows="Mon 19:00-21:00",
    )
    tutor = make_tutor(
        semester,
        display_name="Tom Hidden*",
        email="tom.hidden@example.org",
        windows="Mon 19:00-21:00",
    )
    confirmed_pair(semester, student, tutor)
    make_student(semester, display_name="Unpaired Student*")
    return semester


@pytest.fixture
def signed_in(client, make_user, login):
    user = make_user()
    login(client, user)
    return user


def roster_url(semester: Semester) -> str:
    return f"/dashboard/semesters/{semester.id}/roster"


def test_the_overview_and_navigation_link_to_the_roster_and_start_next(
    client, signed_in, spring
) -> None:
    page = client.get(f"/dashboard/semesters/{spring.id}").text
    assert f'href="{roster_url(spring)}"' in page
    assert f'href="/dashboard/semesters/{spring.id}/start-next"' in page
    assert "Close the semester…" in page  # "closed" is reachable from the status buttons
    form = client.get(roster_url(spring))
    assert form.status_code == 200
    assert 'method="post"' in form.text and 'name="reason"' in form.text


def test_csv_download_has_the_contract_columns_and_no_contacts(client, signed_in, spring) -> None:
    response = client.post(roster_url(spring), data={"format": "csv"})
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    match = DISPOSITION.fullmatch(disposition)
    assert match and match.group(1) == str(spring.id) and match.group(3) == "csv", disposition
    for name in ("Nari", "Tom", "Spring", "Unpaired"):
        assert name not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline=""))
    lines = list(reader)
    assert reader.fieldnames == CONTRACT_HEADER
    assert {line["section"] for line in lines} == {"matched", "unmatched"}
    assert {line["export_id"] for line in lines} == {match.group(2)}
    assert b"@" not in response.data and b"example.org" not in response.data
    (event,) = exports()
    assert event.detail["export_id"] == match.group(2)
    assert event.detail["contacts"] is False
    assert event.actor == f"user:{signed_in.id}"


def test_xlsx_download(client, signed_in, spring) -> None:
    response = client.post(roster_url(spring), data={"format": "xlsx"})
    match = DISPOSITION.fullmatch(response.headers["Content-Disposition"])
    assert match and match.group(3) == "xlsx"
    assert response.headers["Cache-Control"] == "no-store"
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    matched = workbook["matched"]
    header = [cell.value for cell in next(matched.iter_rows(max_row=1))]
    assert header == CONTRACT_HEADER
    values = [
        cell.value for row in workbook.worksheets for line in row.iter_rows() for cell in line
    ]
    assert "Nari Secret*" in values
    assert not any(isinstance(v, str) and "@" in v for v in values)
    assert workbook.properties.identifier == match.group(2)


def test_contacts_without_a_reason_show_the_error_next_to_the_field_and_export_nothing(
    client, signed_in, spring
) -> None:
    response = client.post(
        roster_url(spring), data={"format": "xlsx", "include_contacts": "y", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
    assert "Say why the contact details are needed" in field_error(response.text, "reason")
    # the choices are kept
    assert re.search(
        r'<input[^>]*checked[^>]*id="include_contacts"|id="include_contacts"[^>]*checked',
        response.text,
    )
    assert re.search(r'<input[^>]*checked[^>]*value="xlsx"|value="xlsx"[^>]*checked', response.text)
    assert b"example.org" not in response.data
    assert exports() == []


def test_contacts_with_a_reason_add_the_emails_and_audit_the_reason(
    client, signed_in, spring
) -> None:
    reason = "Invitations to the speech contest\x00 <script>alert(1)</script>"
    response = client.post(
        roster_url(spring), data={"format": "csv", "include_contacts": "y", "reason": reason}
    )
    assert response.status_code == 200
    export_id = DISPOSITION.fullmatch(response.headers["Content-Disposition"]).group(2)
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline=""))
    lines = list(reader)
    assert reader.fieldnames == [
        *CONTRACT_HEADER[:7], *CONTACT_COLUMNS_AFTER_TUTOR_NAME, *CONTRACT_HEADER[7:]
    ]  # fmt: skip
    matched = next(line for line in lines if line["section"] == "matched")
    assert (matched["student_email"], matched["tutor_email"]) == (
        "nari.secret@example.org",
        "tom.hidden@example.org",
    )
    assert "nari" not in response.headers["Content-Disposition"].lower()
    (event,) = exports()
    assert event.detail["export_id"] == export_id
    assert event.detail["contacts"] is True
    assert event.detail["reason"].startswith("Invitations to the speech contest")
    assert "\x00" not in event.detail["reason"]


def test_an_overlong_reason_is_refused_next_to_the_field_and_kept(
    client, signed_in, spring
) -> None:
    reason = "x" * 10_000
    response = client.post(
        roster_url(spring), data={"format": "csv", "include_contacts": "y", "reason": reason}
    )
    assert response.status_code == 400
    assert "under 500 characters" in field_error(response.text, "reason")
    assert reason in response.text
    assert exports() == []


def test_an_unknown_format_is_refused_next_to_the_format(client, signed_in, spring) -> None:
    response = client.post(roster_url(spring), data={"format": "=cmd|' /C calc'!A0"})
    assert response.status_code == 400
    assert "use csv or xlsx" in field_error(response.text, "format")
    assert exports() == []


def test_anonymous_visitors_are_sent_to_sign_in(client, spring) -> None:
    db.session.commit()
    for method in ("get", "post"):
        for path in (roster_url(spring), f"/dashboard/semesters/{spring.id}/start-next"):
            response = getattr(client, method)(path, data={"format": "csv"})
            assert response.status_code == 302
            assert "/login" in response.headers["Location"]
    assert exports() == []


def test_a_download_without_the_csrf_token_is_refused(make_app) -> None:
    from matcher.services.accounts.users import create_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user("csrf.roster@example.org", "Coordinator", "long enough password", actor="t")
        semester = Semester(
            name="Spring 2027", starts_on=date(2027, 3, 2), ends_on=date(2027, 6, 19)
        )
        db.session.add(semester)
        db.session.commit()
        url = roster_url(semester)
    # Requests outside that app context: each gets its own, as in production.
    client = app.test_client()

    def token(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)

    client.post(
        "/login",
        data={
            "email": "csrf.roster@example.org",
            "password": "long enough password",
            "csrf_token": token(client.get("/login").text),
        },
    )
    page = client.get(url).text
    forged = client.post(url, data={"format": "csv", "include_contacts": "y", "reason": "x"})
    assert forged.status_code == 400
    assert "Content-Disposition" not in forged.headers
    real = client.post(url, data={"format": "csv", "csrf_token": token(page)})
    assert real.status_code == 200
    assert real.headers["Content-Disposition"].startswith("attachment;")
    with app.app_context():
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "roster.export")
        ).all()
        assert event.detail["contacts"] is False  # only the real request exported


# ----- start the next semester -------------------------------------------------------------


def start_next_url(semester: Semester) -> str:
    return f"/dashboard/semesters/{semester.id}/start-next"


FALL = {"name": "Fall 2027", "start": "2027-09-01", "end": "2027-12-18", "session_minutes": "90"}


def test_start_next_carries_the_confirmed_pair_and_says_how_many(client, signed_in, spring) -> None:
    spring.status = "closed"
    spring.closed_at = utcnow()
    db.session.commit()
    form = client.get(start_next_url(spring))
    assert form.status_code == 200
    assert 'value="60"' in form.text  # the previous semester's session length is the default
    response = client.post(start_next_url(spring), data=FALL)
    assert response.status_code == 302
    db.session.rollback()
    fall = db.session.scalars(select(Semester).where(Semester.name == "Fall 2027")).one()
    assert response.headers["Location"].endswith(f"/dashboard/semesters/{fall.id}")
    assert (fall.status, fall.starts_on, fall.ends_on, fall.session_minutes) == (
        "intake",
        date(2027, 9, 1),
        date(2027, 12, 18),
        90,
    )
    carried = {
        a.email: a
        for a in db.session.scalars(select(Applicant).where(Applicant.semester_id == fall.id))
    }
    assert set(carried) == {"nari.secret@example.org", "tom.hidden@example.org"}
    assert {a.status for a in carried.values()} == {"pending"}
    assert carried["nari.secret@example.org"].continue_with == "tom.hidden@example.org"
    assert carried["tom.hidden@example.org"].continue_with == "nari.secret@example.org"
    page = client.get(response.headers["Location"]).text
    assert "2 people carried over (1 student, 1 tutor; 1 continuing pair)" in page
    assert "Fall 2027" in page


def test_start_next_errors_go_next_to_their_fields_and_keep_the_values(
    client, signed_in, spring
) -> None:
    db.session.commit()
    backwards = client.post(start_next_url(spring), data={**FALL, "end": "2027-08-01"})
    assert backwards.status_code == 400
    assert "ends (2027-08-01) before it starts (2027-09-01)" in field_error(backwards.text, "end")
    assert 'value="Fall 2027"' in backwards.text and 'value="2027-09-01"' in backwards.text

    nonsense = client.post(start_next_url(spring), data={**FALL, "start": "2027-13-45"})
    assert nonsense.status_code == 400
    assert "Give a real date as YYYY-MM-DD" in field_error(nonsense.text, "start")
    assert 'value="2027-13-45"' in nonsense.text

    words = client.post(start_next_url(spring), data={**FALL, "session_minutes": "=1+1"})
    assert "Give a whole number" in field_error(words.text, "session_minutes")

    missing = client.post(start_next_url(spring), data={**FALL, "end": ""})
    assert "Give a date" in field_error(missing.text, "end")

    earlier = client.post(start_next_url(spring), data={**FALL, "start": "2026-09-01"})
    assert "must start after" in field_error(earlier.text, "start")

    too_long = client.post(start_next_url(spring), data={**FALL, "session_minutes": "600"})
    assert "between 15 and 240" in field_error(too_long.text, "session_minutes")

    taken = client.post(start_next_url(spring), data={**FALL, "name": "Spring 2027"})
    assert "already exists" in field_error(taken.text, "name")

    huge = client.post(start_next_url(spring), data={**FALL, "name": "가" * 10_000})
    assert "80 characters or fewer" in field_error(huge.text, "name")

    blank = client.post(start_next_url(spring), data={**FALL, "name": "   "})
    assert "Give the new semester a name" in field_error(blank.text, "name")

    db.session.rollback()
    assert db.session.scalars(select(Semester.name)).all() == ["Spring 2027"]


def test_a_hostile_semester_name_is_shown_as_text(client, signed_in, spring) -> None:
    db.session.commit()
    name = '<script>alert("x")</script> \u202eFall'
    response = client.post(
        start_next_url(spring), data={**FALL, "name": name}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


# ----- retention reminder ------------------------------------------------------------------


def test_the_reminder_names_an_old_closed_semester_and_the_command(
    client, signed_in, make_semester
) -> None:
    make_semester(
        name="Spring 2025",
        starts_on=date(2025, 3, 3),
        ends_on=date(2025, 6, 20),
        status="closed",
        closed_at=utcnow() - timedelta(days=400),
    )
    make_semester(name="Fall 2026", status="closed", closed_at=utcnow() - timedelta(days=30))
    current = make_semester(name="Spring 2027", status="matching")
    db.session.commit()
    page = client.get(f"/dashboard/semesters/{current.id}").text
    reminder = re.search(r'<section[^>]*id="retention-reminder".*?</section>', page, re.S)
    assert reminder, "no retention reminder on the overview"
    text = html.unescape(reminder.group(0))
    assert "flask --app matcher purge --semester 'Spring 2025'" in text
    assert "cannot be undone" in text
    assert "12 months" in text
    assert "Fall 2026" not in text


def test_the_semester_list_shows_the_reminder_when_nothing_is_open(
    client, signed_in, make_semester
) -> None:
    make_semester(name="Spring 2025", status="closed", closed_at=utcnow() - timedelta(days=400))
    db.session.commit()
    page = client.get("/dashboard/").text
    assert "<h1>Semesters</h1>" in page
    assert "purge --semester &#39;Spring 2025&#39;" in page


def test_no_reminder_for_a_recently_closed_or_purged_semester(
    client, signed_in, make_semester
) -> None:
    make_semester(name="Fall 2026", status="closed", closed_at=utcnow() - timedelta(days=30))
    make_semester(
        name="Spring 2024",
        status="closed",
        closed_at=utcnow() - timedelta(days=900),
        purged_at=utcnow() - timedelta(days=100),
    )
    current = make_semester(name="Spring 2027", status="matching")
    db.session.commit()
    for page in (client.get(f"/dashboard/semesters/{current.id}").text,):
        assert 'id="retention-reminder"' not in page
        assert "purge --semester" not in page


def test_the_retention_period_comes_from_the_config(app, client, signed_in, make_semester) -> None:
    app.config["RETENTION_MONTHS"] = 1
    make_semester(name="Fall 2026", status="closed", closed_at=utcnow() - timedelta(days=45))
    db.session.commit()
    page = client.get("/dashboard/").text
    assert "purge --semester &#39;Fall 2026&#39;" in page
    assert "kept for 1 month," in page


def test_a_hostile_name_in_the_reminder_is_quoted_for_the_shell_and_escaped(
    client, signed_in, make_semester
) -> None:
    make_semester(
        name="Fall'26 <b>x</b>; rm -rf ~",
        status="closed",
        closed_at=utcnow() - timedelta(days=400),
    )
    db.session.commit()
    page = client.get("/dashboard/").text
    assert "<b>x</b>" not in page
    assert str(escape("--semester 'Fall'\"'\"'26 <b>x</b>; rm -rf ~'")) in page


def test_a_purged_semester_offers_no_roster_and_carries_nobody(
    client, signed_in, make_semester
) -> None:
    old = make_semester(
        name="Spring 2024",
        status="closed",
        closed_at=utcnow() - timedelta(days=900),
        purged_at=utcnow() - timedelta(days=100),
    )
    db.session.commit()
    overview = client.get(f"/dashboard/semesters/{old.id}").text
    assert 'id="semester-end-links">The personal data of this semester was purged' in overview
    download = client.post(roster_url(old), data={"format": "csv"})
    assert download.status_code == 400
    assert "Content-Disposition" not in download.headers
    assert "was purged; there is no roster left" in download.text
    started = client.post(start_next_url(old), data=FALL)
    assert started.status_code == 400
    assert "nobody can be carried over" in html.unescape(started.text)
    assert exports() == []
    assert db.session.scalars(select(Semester.name)).all() == ["Spring 2024"]
