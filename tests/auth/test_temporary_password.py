"""A password an admin (or the command line) chose must be replaced before the dashboard opens."""

from __future__ import annotations

import re

import pytest
from conftest import DEFAULT_TEST_PASSWORD
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, MatchRun, Semester, User

FORCED = "Choose your own password before continuing"
NEW_PASSWORD = "a passphrase of my own"


def goes_to_password_page(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(
        "/account/password"
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def shown_password(page: str) -> str:
    return re.search(r'id="temporary-password"><code>([^<]+)</code>', page).group(1)


def account(email: str) -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def forced(client, make_user, login, make_semester):
    """A signed-in admin (so admin pages are checked too) still on a temporary password."""
    semester = make_semester()
    user = make_user(admin=True, must_change_password=True)
    login(client, user)
    return user, semester


def test_every_dashboard_route_and_method_sends_them_to_the_password_page(
    app, client, forced
) -> None:
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("coordinator."):
            continue
        url = rule.build(dict.fromkeys(rule.arguments, 1), append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert goes_to_password_page(response), (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked >= 30


def test_the_password_page_offers_no_links_that_would_only_bounce_back(client, forced) -> None:
    page = client.get("/account/password").text
    assert 'id="must-change"' in page
    nav = page.split('aria-label="Dashboard"', 1)[1].split("</nav>", 1)[0]
    assert "Audit trail" not in nav and ">Dashboard<" not in nav and "Sign out" in nav


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/dashboard/", None),
        ("GET", "/dashboard/semesters/{id}", None),
        ("GET", "/dashboard/semesters/{id}/applicants", None),
        ("GET", "/dashboard/semesters/{id}/matching", None),
        ("GET", "/dashboard/accounts/", None),
        ("GET", "/dashboard/audit/", None),
        ("POST", "/dashboard/semesters/{id}/matching/run", {}),
        ("POST", "/dashboard/semesters/{id}/status", {"to": "active"}),
        ("POST", "/dashboard/accounts/", {"email": "new@example.org", "name": "New"}),
        ("POST", "/dashboard/semesters/{id}/matching/exclude", {"student": "S-1", "tutor": "T-1"}),
    ],
)
def test_a_page_or_form_answers_with_the_password_page_and_changes_nothing(
    client, forced, method, path, data
) -> None:
    _, semester = forced
    before = (count(AuditEvent), count(MatchRun), count(User))
    response = client.open(
        path.format(id=semester.id), method=method, data=data, follow_redirects=True
    )
    assert response.status_code == 200
    assert response.request.path == "/account/password"
    assert FORCED in response.text
    assert 'id="must-change"' in response.text
    assert (count(AuditEvent), count(MatchRun), count(User)) == before
    db.session.expire_all()
    assert db.session.get(Semester, semester.id).status == "matching"


def test_the_password_page_and_sign_out_stay_reachable(client, forced) -> None:
    page = client.get("/account/password")
    assert page.status_code == 200
    assert "temporary password, chosen by an admin" in page.text
    out = client.post("/logout")
    assert out.status_code == 302 and out.headers["Location"].endswith("/login")
    assert "/login" in client.get("/dashboard/").headers["Location"]  # signed out for real


def test_choosing_a_password_clears_the_flag_is_audited_and_opens_the_dashboard(
    client, forced
) -> None:
    user, semester = forced
    changed = client.post(
        "/account/password",
        data={"current": DEFAULT_TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and not goes_to_password_page(changed)
    assert account(user.email).must_change_password is False
    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.password_change")
    )
    assert (event.actor, event.target, event.outcome) == (
        f"user:{user.id}",
        f"user:{user.id}",
        "ok",
    )
    assert event.detail == {"replaced_temporary": True}
    page = client.get(f"/dashboard/semesters/{semester.id}/matching")
    assert page.status_code == 200 and FORCED not in page.text
    assert 'id="must-change"' not in client.get("/account/password").text


def test_a_failed_change_keeps_the_flag(client, forced) -> None:
    user, _ = forced
    client.post(
        "/account/password",
        data={"current": "not the password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert account(user.email).must_change_password is True
    assert goes_to_password_page(client.get("/dashboard/"))


def test_accounts_an_admin_creates_or_resets_must_choose_their_own_password(
    app, client, make_user, login
) -> None:
    admin = make_user(admin=True)
    colleague = make_user(email="colleague@example.org")
    login(client, admin)
    created = client.post("/dashboard/accounts/", data={"email": "min@example.org", "name": "Min*"})
    temporary = shown_password(created.text)
    assert account("min@example.org").must_change_password is True
    listing = client.get("/dashboard/accounts/").text
    row = re.search(r'<tr id="user-\d+">\s*<td>Min\*</td>.*?</tr>', listing, re.S).group(0)
    assert "temporary password not yet changed" in row

    newcomer = app.test_client()
    signed_in = newcomer.post("/login", data={"email": "min@example.org", "password": temporary})
    assert signed_in.status_code == 302
    assert goes_to_password_page(newcomer.get(signed_in.headers["Location"]))

    assert account(colleague.email).must_change_password is False
    reset = client.post(f"/dashboard/accounts/{colleague.id}/reset")
    assert reset.status_code == 200
    assert account(colleague.email).must_change_password is True


def test_the_command_line_marks_a_typed_password_temporary_unless_told_it_is_their_own(
    app_ctx,
    runner,
) -> None:
    base = ["users", "create-coordinator", "--password-stdin", "--name"]
    temporary = runner.invoke(args=[*base, "Kim*", "kim@example.org"], input=f"{NEW_PASSWORD}\n")
    assert temporary.exit_code == 0, temporary.output
    assert "must be changed at the first sign-in" in temporary.output
    own = runner.invoke(
        args=[*base, "Lee*", "lee@example.org", "--own-password"], input=f"{NEW_PASSWORD}\n"
    )
    assert own.exit_code == 0, own.output
    assert "temporary" not in own.output
    assert account("kim@example.org").must_change_password is True
    assert account("lee@example.org").must_change_password is False
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.create").order_by(AuditEvent.id)
    )
    assert [e.detail["temporary_password"] for e in events] == [True, False]
    help_text = runner.invoke(args=["users", "create-coordinator", "--help"]).output
    assert "--own-password" in help_text and "first sign-in" in help_text


def test_the_demo_coordinator_is_not_asked_to_change_its_password(app_ctx, runner) -> None:
    result = runner.invoke(args=["demo", "--students", "3", "--tutors", "3"])
    assert result.exit_code == 0, result.output
    assert account("coordinator@example.org").must_change_password is False
