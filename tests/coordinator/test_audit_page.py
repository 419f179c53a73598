"""The audit page lists events by id, filters them, and never shows personal data."""

from __future__ import annotations

from matcher.extensions import db
from matcher.services.audit import record_event


def test_audit_page_filters_by_action_outcome_and_target(client, make_user, login) -> None:
    user = make_user()
    record_event("match.lock", actor="user:7", target="P-AAAA")
    record_event("match.lock", actor="user:7", target="P-BBBB")
    record_event("applicant.approve", actor="user:8", target="S-CCCC")
    login(client, user)
    client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    db.session.commit()
    everything = client.get("/dashboard/audit/")
    assert everything.status_code == 200
    assert "P-AAAA" in everything.text and "S-CCCC" in everything.text
    locks = client.get("/dashboard/audit/", query_string={"action": "match."})
    assert "P-BBBB" in locks.text and "S-CCCC" not in locks.text
    one = client.get("/dashboard/audit/", query_string={"target": "P-AAAA"})
    assert "1 event(s)" in one.text
    failed = client.get("/dashboard/audit/", query_string={"outcome": "failed"})
    assert "auth.login" in failed.text and "P-AAAA" not in failed.text
    assert "nobody@example.org" not in failed.text
    odd = client.get(
        "/dashboard/audit/", query_string={"since": "not a date", "page": "99999", "action": "%"}
    )
    assert odd.status_code == 200 and "0 event(s)" in odd.text
