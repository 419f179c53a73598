"""Excluded pairs on the matching page: listed with who and why, and lifted with one audited button."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from conftest import DEFAULT_TEST_PASSWORD
from flask import Flask, g
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Exclusion, Match
from matcher.services.pairs.actions import exclude_pair

EVENING = "Mon 19:00-21:00"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def matching_url(semester) -> str:
    return f"/dashboard/semesters/{semester.id}/matching"


def remove_url(semester, exclusion_id: int) -> str:
    return f"{matching_url(semester)}/exclusions/{exclusion_id}/remove"


def exclusions() -> list[Exclusion]:
    db.session.expire_all()
    return list(db.session.scalars(select(Exclusion)))


def unexclude_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "match.unexclude"))
    )


def active_pairs() -> set[tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Match).where(Match.status != "ended"))
    return {(m.student_id, m.tutor_id) for m in rows}


@pytest.fixture
def excluded(make_semester, make_student, make_tutor, make_user):
    """One student and one tutor who could only be paired with each other, excluded by a coordinator."""
    semester = make_semester()
    student = make_student(semester, windows=EVENING, display_name="Min-ji*")
    tutor = make_tutor(semester, windows=EVENING, display_name="Alex Tutor")
    coordinator = make_user(name="Hana Coordinator")
    exclusion = exclude_pair(
        semester,
        student,
        tutor,
        "did not get along",
        actor=f"user:{coordinator.id}",
        user_id=coordinator.id,
    )
    db.session.commit()
    return semester, student, tutor, coordinator, exclusion


def test_the_matching_page_lists_each_exclusion_with_names_reason_who_and_when(
    client, login, excluded
) -> None:
    semester, student, tutor, coordinator, exclusion = excluded
    login(client, coordinator)
    page = client.get(matching_url(semester))
    assert page.status_code == 200
    row = re.search(rf'<tr id="exclusion-{exclusion.id}">(.*?)</tr>', page.text, re.S).group(1)
    for shown in (
        student.public_id,
        "Min-ji*",
        tutor.public_id,
        "Alex Tutor",
        "did not get along",
        "Hana Coordinator",
        exclusion.created_at.strftime("%Y-%m-%d"),
        "Remove exclusion",
    ):
        assert shown in row
    assert "propose that student and tutor together again" in page.text


def test_a_semester_without_exclusions_says_so(client, make_user, login, make_semester) -> None:
    semester = make_semester()
    login(client, make_user())
    page = client.get(matching_url(semester))
    assert 'id="no-exclusions"' in page.text and 'id="exclusions"' not in page.text


def test_a_hostile_reason_is_shown_as_text(
    client, make_user, login, make_semester, make_student, make_tutor
) -> None:
    semester = make_semester()
    student, tutor = make_student(semester), make_tutor(semester)
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    exclude_pair(semester, student, tutor, hostile, actor="test")
    login(client, make_user())
    page = client.get(matching_url(semester)).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    )


def test_removing_an_exclusion_is_audited_and_lets_the_next_run_propose_the_pair(
    client, make_user, login, excluded
) -> None:
    semester, student, tutor, _, exclusion = excluded
    remover = make_user()
    login(client, remover)
    client.post(f"{matching_url(semester)}/run")
    assert active_pairs() == set()  # the only feasible pair is excluded

    page = client.post(remove_url(semester, exclusion.id), follow_redirects=True)
    assert page.status_code == 200
    assert (
        f"Removed the exclusion of {student.public_id} with {tutor.public_id}: "
        "the next matching run may propose them again." in page.text
    )
    assert exclusions() == []
    assert 'id="no-exclusions"' in page.text
    (event,) = unexclude_events()
    assert event.actor == f"user:{remover.id}"
    assert event.detail == {"student": student.public_id, "tutor": tutor.public_id}
    trail = repr((event.target, event.detail))
    for personal in ("Min-ji", "Alex", "did not get along", "@example.org"):
        assert personal not in trail

    client.post(f"{matching_url(semester)}/run")
    assert active_pairs() == {(student.id, tutor.id)}


@pytest.mark.parametrize("how", ["twice", "unknown id", "another semester"])
def test_a_stale_or_unknown_exclusion_gets_changed_meanwhile_not_an_error(
    how, client, login, make_semester, make_student, make_tutor, excluded
) -> None:
    semester, _, _, coordinator, exclusion = excluded
    exclusion_id = exclusion.id  # the row may be gone by the time the test looks again
    login(client, coordinator)
    if how == "twice":  # two coordinators had the page open; the other one removed it first
        client.post(remove_url(semester, exclusion_id))
        url = remove_url(semester, exclusion_id)
    elif how == "unknown id":
        url = remove_url(semester, exclusion_id + 1000)
    else:  # the id is real, but it belongs to another semester than the page's
        other = make_semester()
        kept = exclude_pair(other, make_student(other), make_tutor(other), "x", actor="test")
        db.session.commit()
        url = remove_url(semester, kept.id)
    left = len(exclusions())
    page = client.post(url, follow_redirects=True)
    assert page.status_code == 200
    assert "changed meanwhile" in page.text
    assert len(exclusions()) == left
    assert len(unexclude_events()) == (1 if how == "twice" else 0)


def test_a_closed_semester_refuses_removal_with_a_clear_message(client, login, excluded) -> None:
    semester, _, _, coordinator, exclusion = excluded
    semester.status = "closed"
    db.session.commit()
    login(client, coordinator)
    listing = client.get(matching_url(semester)).text
    assert "did not get along" in listing and "Remove exclusion" not in listing
    page = client.post(remove_url(semester, exclusion.id), follow_redirects=True)
    assert page.status_code == 200
    assert "is closed; its exclusions can no longer be removed" in page.text
    assert len(exclusions()) == 1 and unexclude_events() == []


def test_signed_out_visitors_are_sent_to_sign_in(client, excluded) -> None:
    semester, _, _, _, exclusion = excluded
    for response in (
        client.get(matching_url(semester)),
        client.post(remove_url(semester, exclusion.id)),
    ):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert len(exclusions()) == 1


class TestWithCsrfOn:
    @pytest.fixture
    def app(self, make_app: Callable[..., Flask]) -> Iterator[Flask]:
        application = make_app(WTF_CSRF_ENABLED=True)
        yield application
        with application.app_context():  # close its connections
            db.engine.dispose()

    def test_the_button_carries_a_csrf_token_and_a_post_without_one_is_refused(
        self, client, excluded
    ) -> None:
        semester, _, _, coordinator, exclusion = excluded
        token = TOKEN.search(client.get("/login").text)[1]
        signed_in = client.post(
            "/login",
            data={
                "email": coordinator.email,
                "password": DEFAULT_TEST_PASSWORD,
                "csrf_token": token,
            },
        )
        assert signed_in.status_code == 302
        # The test's app context outlives each request, and Flask-WTF caches the token on `g`:
        # forget the one made before sign-in, as a browser's next request would.
        g.pop("csrf_token", None)
        page = client.get(matching_url(semester)).text
        form = re.search(r'<tr id="exclusion-\d+">.*?</tr>', page, re.S).group(0)
        token = TOKEN.search(form)[1]
        assert client.post(remove_url(semester, exclusion.id)).status_code == 400
        assert len(exclusions()) == 1
        done = client.post(remove_url(semester, exclusion.id), data={"csrf_token": token})
        assert done.status_code == 302, done.text
        assert exclusions() == []
