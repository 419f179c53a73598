"""The audit trail page: who did what to which id, when; filterable, newest first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent

blueprint = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 100


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


@blueprint.get("/")
def index() -> str:
    args = request.args
    filters = {
        key: args.get(key, "").strip()[:60] for key in ("action", "actor", "target", "outcome")
    }
    stmt = select(AuditEvent)
    if filters["action"]:
        stmt = stmt.where(AuditEvent.action.startswith(filters["action"], autoescape=True))
    if filters["actor"]:
        stmt = stmt.where(AuditEvent.actor == filters["actor"])
    if filters["target"]:
        stmt = stmt.where(AuditEvent.target == filters["target"])
    if filters["outcome"] in ("ok", "denied", "failed"):
        stmt = stmt.where(AuditEvent.outcome == filters["outcome"])
    since, until = _day(args.get("since")), _day(args.get("until"))
    if since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time(), UTC))
    if until:
        stmt = stmt.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    page_text = args.get("page", "1")
    page = min(max(1, int(page_text) if page_text.isdecimal() and len(page_text) < 7 else 1), pages)
    events = db.session.scalars(
        stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "coordinator/audit.html",
        events=events,
        filters=filters,
        since=since,
        until=until,
        total=total,
        page=page,
        pages=pages,
        actions=list(actions),
    )
