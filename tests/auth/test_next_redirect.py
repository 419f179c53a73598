"""After signing in, `next=` leads only to a page of this site."""

from __future__ import annotations

import pytest

from matcher.extensions import db
from matcher.services.accounts.users import create_user

PASSWORD = "a long enough password"


@pytest.fixture
def coordinator(app_ctx):
    user = create_user("c@example.org", "C", PASSWORD, actor="test")
    db.session.commit()
    return user


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "/dashboard/\u202e", "/\x00x"],
)
def test_login_refuses_to_send_a_coordinator_off_site(client, coordinator, target: str) -> None:
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "c@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"


def test_login_follows_a_same_site_next(client, coordinator) -> None:
    response = client.post(
        "/login",
        query_string={"next": "/dashboard/audit/"},
        data={"email": "c@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/dashboard/audit/"
