"""Recording sensitive actions. Callers pass ids and counts only: the trail must hold no personal data."""

from __future__ import annotations

from typing import Any

from matcher.extensions import db
from matcher.models import AuditEvent

CLI_ACTOR = "cli"


def user_actor(user_id: int) -> str:
    return f"user:{user_id}"


def record_event(
    action: str,
    *,
    actor: str,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor, action=action, target=target, outcome=outcome, detail=detail or {}
    )
    db.session.add(event)
    db.session.flush()
    return event
