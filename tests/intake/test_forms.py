"""Signing up through the forms: what is stored, and how bad input is answered."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Applicant, AuditEvent

from .fixtures import app  # noqa: F401  (intake app: no minimum fill time)
from .payloads import done_link, student_post, tutor_post


@pytest.fixture
def semester(make_semester):
    return make_semester(status="intake", session_minutes=60)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Applicant))


def only_applicant() -> Applicant:
    return db.session.scalars(select(Applicant)).one()


def test_student_signs_up_and_the_contract_fields_are_stored(client, semester) -> None:
    response = client.post("/apply/student", data=student_post(email=" Star.Student@Example.ORG "))
    assert done_link(response).startswith("/me/")
    row = only_applicant()
    assert (row.role, row.display_name, row.email) == (
        "student",
        "별빛*",
        "star.student@example.org",
    )
    assert row.availability == "Mon 19:00-20:00; Wed 20:00-21:00"
    assert (row.goals, row.levels, row.korean) == ("conversation;speech", "intermediate", "fluent")
    assert (row.gender, row.gender_preference, row.in_person) == ("female", "female", True)
    assert (row.language, row.status, row.notice_version) == ("ko", "pending", "2026-11")
    assert row.consented_at is not None and row.consent_source == "form"
    assert re.fullmatch(r"[0-9a-f]{64}", row.edit_token_hash)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.submitted")
    ).one()
    assert event.target == row.public_id
    assert "star" not in repr(event.detail).lower() and "별빛" not in repr(event.detail)


def test_tutor_signs_up_with_capacity_and_levels(client, semester) -> None:
    done_link(client.post("/apply/tutor", data=tutor_post()))
    row = only_applicant()
    assert (row.role, row.capacity, row.korean, row.levels) == (
        "tutor",
        2,
        "basic",
        "beginner;intermediate",
    )
    assert row.timezone == "America/New_York" and row.gender_preference is None
    assert row.availability == "Wed 19:00-20:00; Sat 08:00-09:00"


def test_the_private_link_is_shown_once_and_only_its_hash_is_stored(client, semester) -> None:
    response = client.post("/apply/student", data=student_post())
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    link = done_link(response)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22  # at least 128 bits of urlsafe base64
    with client.session_transaction() as session:  # never carried in the session cookie
        assert token not in repr(dict(session))
    row = only_applicant()
    assert token not in (row.edit_token_hash or "")
    assert all(token not in repr(e.detail) for e in db.session.scalars(select(AuditEvent)))
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_errors_appear_next_to_fields_in_korean_and_everything_typed_is_kept(
    client, semester
) -> None:
    response = client.post(
        "/apply/student",
        data=student_post(
            email="not-an-email", goals=[], consent=None, note="안녕하세요 <b>hi</b>"
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count() == 0
    assert 'id="email-error"' in page and "이메일 주소를 써 주세요" in page
    assert 'id="goals-error"' in page and 'id="consent-error"' in page
    assert 'value="not-an-email"' in page and 'value="별빛*"' in page
    assert 'value="Mon-19:00" id="slot-Mon-1900" checked' in page  # the grid keeps its ticks
    assert "안녕하세요 &lt;b&gt;hi&lt;/b&gt;</textarea>" in page
    assert 'aria-invalid="true"' in page


def test_english_errors_on_the_english_page(client, semester) -> None:
    page = client.post("/apply/tutor?lang=en", data=tutor_post(levels=[], slots=[])).get_data(
        as_text=True
    )
    assert "Please choose at least one level." in page
    assert "Please tick the times when you are free." in page


def test_a_window_shorter_than_the_session_is_refused(client, semester) -> None:
    page = client.post("/apply/student", data=student_post(slots=["Mon-19:00", "Wed-20:00"]))
    assert "이어서 60분 이상인 시간" in page.get_data(as_text=True) and count() == 0


def _without_link(response) -> str:
    """The page with the (random) private link and the (random) form tokens taken out."""
    page = response.get_data(as_text=True)
    page = re.sub(r"/me/[A-Za-z0-9_\-]+", "/me/TOKEN", page)
    return re.sub(r'value="[A-Za-z0-9_.\-]{20,}"', 'value="RANDOM"', page)


def test_a_known_email_gets_exactly_the_answer_a_new_one_gets(client, semester) -> None:
    """Whether an email has applied must not show: same status, headers and page, and the
    first application is left as it was."""
    first = client.post("/apply/student", data=student_post(display_name="First Person"))
    again = client.post(
        "/apply/student",
        data=student_post(display_name="Someone Else", email="STAR.student@example.org"),
    )
    fresh = client.post(
        "/apply/student", data=student_post(display_name="Third", email="new@example.org")
    )
    assert first.status_code == again.status_code == fresh.status_code == 200
    assert dict(again.headers) == dict(fresh.headers) | {
        "Content-Length": again.headers["Content-Length"],
        "X-Request-ID": again.headers["X-Request-ID"],
    }
    assert _without_link(again) == _without_link(fresh)
    assert "First Person" not in again.get_data(as_text=True)
    # The decoy link looks like any other and opens nothing; the first application is intact.
    decoy = done_link(again)
    assert len(decoy) == len(done_link(first)) and client.get(decoy).status_code == 404
    assert client.get(done_link(first)).status_code == 200
    rows = db.session.scalars(select(Applicant).order_by(Applicant.id)).all()
    assert [r.display_name for r in rows] == ["First Person", "Third"]
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "applicant.applied_again")
    )
    assert event.target == rows[0].public_id and event.actor == "anonymous"
    # The same address may sign up for the other role.
    done_link(client.post("/apply/tutor", data=tutor_post(email="star.student@example.org")))
    assert count() == 3


def test_known_email_calls_the_one_seam_meant_for_telling_its_owner(
    client, semester, monkeypatch
) -> None:
    import matcher.services.applicants.signup as signup

    told = []
    monkeypatch.setattr(signup, "applied_again", lambda known: told.append(known.public_id))
    client.post("/apply/student", data=student_post())
    assert told == []
    client.post("/apply/student", data=student_post(display_name="Other"))
    assert told == [only_applicant().public_id]


def test_decomposed_hangul_is_stored_composed(client, semester) -> None:
    decomposed = unicodedata.normalize("NFD", "김하늘")
    assert decomposed != "김하늘"
    client.post("/apply/student", data=student_post(display_name=decomposed))
    assert only_applicant().display_name == "김하늘"


@pytest.mark.parametrize(
    "name",
    ["🌸 Sunny 🌸", "سارا", "שרה", "=cmd|' /C calc'!A0", "Robert'); DROP TABLE applicants;--"],
)
def test_any_script_round_trips_and_is_shown_escaped(client, semester, name) -> None:
    link = done_link(client.post("/apply/student", data=student_post(display_name=name)))
    row = only_applicant()
    assert row.display_name == name
    page = client.get(link).get_data(as_text=True)
    assert name.replace("'", "&#39;") in page


def test_html_is_stored_as_text_and_escaped(client, semester) -> None:
    script = "<script>alert(1)</script>"
    link = done_link(
        client.post("/apply/student", data=student_post(display_name=script, note=script))
    )
    row = only_applicant()
    assert row.display_name == script and row.note == script
    page = client.get(link).get_data(as_text=True)
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("bad", ["Nul\x00Name", "Evil\u202eeman", "Iso\u2066late", "Bell\x07"])
def test_nul_and_bidi_override_characters_are_refused(client, semester, bad) -> None:
    page = client.post("/apply/student", data=student_post(display_name=bad)).get_data(as_text=True)
    assert 'id="display_name-error"' in page and count() == 0


def test_a_10kb_note_is_refused_next_to_the_note(client, semester) -> None:
    page = client.post("/apply/student", data=student_post(note="가" * 10_000)).get_data(
        as_text=True
    )
    assert 'id="note-error"' in page and "500자" in page and count() == 0


def test_extra_fields_change_nothing(client, semester) -> None:
    client.post(
        "/apply/student",
        data=student_post(
            status="approved",
            capacity="3",
            public_id="S-HACKED",
            edit_token_hash="0" * 64,
            role="tutor",
        ),
    )
    row = only_applicant()
    assert (row.status, row.capacity, row.role) == ("pending", 1, "student")
    assert row.public_id != "S-HACKED" and row.edit_token_hash != "0" * 64


def test_unknown_choices_are_refused(client, semester) -> None:
    page = client.post(
        "/apply/student", data=student_post(level="fluent-ish", timezone="KST", language="fr")
    ).get_data(as_text=True)
    for field in ("level", "timezone", "language"):
        assert f'id="{field}-error"' in page
    assert count() == 0


def test_a_time_zone_in_other_letter_case_is_accepted_as_the_iana_name(client, semester) -> None:
    client.post("/apply/tutor", data=tutor_post(timezone="america/new york"))
    assert only_applicant().timezone == "America/New_York"


def test_forms_are_closed_without_an_intake_semester(client, make_semester) -> None:
    make_semester(status="matching")
    response = client.post("/apply/student", data=student_post())
    assert "지금은 신청을 받지 않습니다" in response.get_data(as_text=True)
    assert count() == 0


def test_tutor_without_javascript_can_preview_times_in_seoul(client, semester) -> None:
    page = client.post(
        "/apply/tutor?lang=en", data=tutor_post(action="preview", slots=["Wed-19:00", "Wed-19:30"])
    ).get_data(as_text=True)
    assert count() == 0
    assert "<li>Thursday 09:00-10:00</li>" in page
    # The US changes clocks on Sunday 14 March: the first Thursday at 08:00 is 18 March.
    assert "<li>from 2027-03-14: Thursday 08:00-09:00</li>" in page


def test_the_private_link_is_built_on_base_url_never_the_host_header(client, semester) -> None:
    client.application.config["BASE_URL"] = "https://match.example.org/"
    response = client.post("/apply/student", data=student_post(), base_url="http://evil.example")
    link = re.search(r'id="private-link">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert link.startswith("https://match.example.org/me/"), link
    assert "evil.example" not in response.get_data(as_text=True)
