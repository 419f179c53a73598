"""The dashboard upload page: sign-in needed, a preview with errors beside their rows, then confirm."""

from __future__ import annotations

import html
import io
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent

from .files import HEADER, student, to_csv, to_xlsx, tutor


@pytest.fixture
def semester(make_semester):
    return make_semester(name="Spring 2027")


@pytest.fixture
def signed_in(client, make_user, login):
    user = make_user()
    login(client, user)
    return user


def url(semester, action: str = "") -> str:
    return f"/dashboard/semesters/{semester.id}/import{action}"


def upload(client, semester, data: bytes, filename: str = "spring.csv", **fields):
    form = {"file": (io.BytesIO(data), filename), "status": "approved", **fields}
    return client.post(url(semester), data=form, content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', response.text).group(1)


def confirm(client, semester, token: str):
    return client.post(url(semester, "/confirm"), data={"token": token})


def stored() -> list[Applicant]:
    db.session.expire_all()
    return list(db.session.scalars(select(Applicant).order_by(Applicant.id)))


def staged_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return list(folder.iterdir()) if folder.exists() else []


def test_the_page_needs_a_signed_in_coordinator(client, semester) -> None:
    db.session.commit()
    assert client.get(url(semester)).status_code == 302
    response = upload(client, semester, to_csv([student()]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored() == []


def test_preview_then_confirm_imports_as_the_signed_in_coordinator(
    app, client, semester, signed_in
) -> None:
    assert "Check the file" in client.get(url(semester)).text
    preview = upload(client, semester, to_csv([student(), tutor()]))
    assert preview.status_code == 200
    assert "2 new applicants would be added as approved" in preview.text
    assert "Nothing has been imported yet" in preview.text
    assert stored() == []
    [staged] = staged_files(app)
    assert stat.S_IMODE(staged.stat().st_mode) == 0o600
    done = confirm(client, semester, token_of(preview))
    assert done.status_code == 200, done.text
    assert "2 new applicants added as approved" in done.text
    people = stored()
    assert {(p.consent_source, p.imported_by_id, p.status) for p in people} == {
        ("import", signed_in.id, "approved")
    }
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicants.import")
    ).one()
    assert event.actor == f"user:{signed_in.id}"
    assert staged_files(app) == []  # the upload holds names: it does not outlive the import
    again = confirm(client, semester, token_of(preview))
    assert again.status_code == 409 and "already imported" in again.text
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "applicants.import")
        )
        == 1
    )


def test_errors_are_shown_beside_their_rows_and_nothing_is_imported(
    app, client, semester, signed_in
) -> None:
    rows = [
        student(),
        student(display_name="Byeol* bad zone", timezone="Asia/Sole"),
        tutor(display_name="<script>alert(1)</script>", capacity="4"),
    ]
    response = upload(client, semester, to_csv(rows))
    assert response.status_code == 422
    assert "2 rows of the file have problems, so nothing was imported." in response.text
    table = re.findall(r"<tr>(.*?)</tr>", response.text, flags=re.S)[1:]  # after the heading
    assert "Byeol* bad zone" in table[0] and "timezone:" in table[0] and ">3<" in table[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table[1] and "capacity:" in table[1]
    assert "<script>alert(1)" not in response.text
    assert "confirm" not in response.text  # no way to import a file with errors as it is
    assert stored() == [] and staged_files(app) == []


def test_a_refusal_also_names_the_unknown_columns(app, client, semester, signed_in) -> None:
    rows = [student(favourite_colour="blue"), student(availability="Mon 19:10-21:00")]
    response = upload(client, semester, to_csv(rows, (*HEADER, "favourite_colour")))
    assert response.status_code == 422
    assert "Ignored unknown column: &#34;favourite_colour&#34;." in response.text
    assert stored() == []


def test_skip_invalid_previews_and_imports_exactly_the_good_rows(
    client, semester, signed_in
) -> None:
    good = [student(), tutor()]
    data = to_xlsx([good[0], student(goals="knitting"), good[1]])
    preview = upload(client, semester, data, "spring.xlsx", skip_invalid="y", status="pending")
    assert preview.status_code == 200
    assert "1 row rejected" in preview.text and "knitting" in preview.text
    done = confirm(client, semester, token_of(preview))
    assert "2 new applicants added as pending" in done.text
    assert "knitting" in done.text  # the rows left out are listed to be fixed
    assert [(p.email, p.status) for p in stored()] == [(r["email"], "pending") for r in good]


def test_a_missing_column_is_refused_even_with_skip_invalid(client, semester, signed_in) -> None:
    header = ("role", "display_name", "email", "availability", "goals", "level")
    response = upload(client, semester, to_csv([student()], header), skip_invalid="y")
    assert response.status_code == 422
    assert 'the required column "timezone" is missing' in html.unescape(response.text)
    assert stored() == []


def test_an_oversize_file_gets_a_clear_error(app, client, semester, signed_in) -> None:
    app.config["IMPORT_MAX_BYTES"] = 500
    response = upload(client, semester, to_csv([student() for _ in range(10)]))
    assert response.status_code == 400
    assert "over the limit of 500 bytes" in response.text
    app.config["MAX_CONTENT_LENGTH"] = 2000  # far over: the server refuses before any view
    response = upload(client, semester, to_csv([student() for _ in range(40)]))
    assert response.status_code == 413
    assert "The file is larger than" in response.text and "Import applicants" in response.text
    assert stored() == []


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "spring.csv", "The file is empty"),
        (to_csv([]), "spring.csv", "header row but no applicants"),
        (b"\xff\xfe\xfd\xfc\x80,x\n", "spring.csv", "CSV UTF-8"),
        (b"role,email\n", "spring.txt", "Only .csv and .xlsx files"),
    ],
    ids=["empty", "header-only", "not-utf8-nor-cp949", "wrong-type"],
)
def test_unreadable_files_are_refused_on_the_page(
    client, semester, signed_in, data, filename, message
) -> None:
    response = upload(client, semester, data, filename)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert stored() == []


def test_cancel_deletes_the_upload(app, client, semester, signed_in) -> None:
    preview = upload(client, semester, to_csv([student()]))
    token = token_of(preview)
    cancelled = client.post(url(semester, "/cancel"), data={"token": token})
    assert "cancelled and deleted" in cancelled.text
    assert staged_files(app) == []
    assert confirm(client, semester, token).status_code == 409
    assert stored() == []


def test_a_preview_cannot_be_confirmed_into_another_semester(
    client, semester, make_semester, signed_in
) -> None:
    other = make_semester(name="Fall 2027")
    db.session.commit()
    preview = upload(client, semester, to_csv([student()]))
    assert confirm(client, other, token_of(preview)).status_code == 409
    assert stored() == []


def test_a_semester_closed_after_the_preview_is_refused(client, semester, signed_in) -> None:
    preview = upload(client, semester, to_csv([student()]))
    semester.status = "closed"
    db.session.commit()
    response = confirm(client, semester, token_of(preview))
    assert response.status_code == 422 and "closed" in response.text
    assert stored() == []
    assert "Check the file" not in client.get(url(semester)).text


def test_the_whole_flow_works_with_csrf_protection_on(make_app) -> None:
    from datetime import date

    from matcher.models import Semester
    from matcher.services.accounts.users import create_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(
            "csrf.coordinator@example.org", "Coordinator", "long enough password", actor="t"
        )
        db.session.add(
            Semester(
                name="Spring 2027",
                starts_on=date(2027, 3, 2),
                ends_on=date(2027, 6, 19),
                status="matching",
            )
        )
        db.session.commit()
        semester_id = db.session.scalars(select(Semester.id)).one()
    client = app.test_client()

    def csrf(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)

    login_page = client.get("/login").text
    client.post(
        "/login",
        data={
            "email": "csrf.coordinator@example.org",
            "password": "long enough password",
            "csrf_token": csrf(login_page),
        },
    )
    page = client.get(f"/dashboard/semesters/{semester_id}/import").text
    form = {"file": (io.BytesIO(to_csv([student()])), "a.csv"), "status": "approved"}
    forged = client.post(
        f"/dashboard/semesters/{semester_id}/import",
        data=dict(form),
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400
    form = {
        "file": (io.BytesIO(to_csv([student()])), "a.csv"),
        "status": "approved",
        "csrf_token": csrf(page),
    }
    preview = client.post(
        f"/dashboard/semesters/{semester_id}/import", data=form, content_type="multipart/form-data"
    )
    assert preview.status_code == 200, preview.text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.text).group(1)
    done_url = f"/dashboard/semesters/{semester_id}/import/confirm"
    assert client.post(done_url, data={"token": token}).status_code == 400
    done = client.post(done_url, data={"token": token, "csrf_token": csrf(preview.text)})
    assert "1 new applicant added" in done.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1
        db.engine.dispose()
