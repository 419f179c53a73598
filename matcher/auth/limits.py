"""Rate limits on sign-in, checked before the view runs, so a flood never reaches argon2.

Two limits apply to every POST to /login: one per client address and one for all addresses
together (a flood from many addresses still cannot keep the CPU busy hashing). A breach is
audited once per limit window and address (``auth.login_flood``), never once per request, so
a flood cannot fill the audit trail either.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, render_template, request
from flask_limiter import RequestLimit

from matcher.extensions import db, limiter
from matcher.services.accounts.signin import address_hash
from matcher.services.audit import record_event

TOO_MANY = "Too many sign-in attempts. Wait a few minutes, then try again."


def per_address() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def overall() -> str:
    return current_app.config["LOGIN_GLOBAL_RATE_LIMIT"]


def everyone() -> str:
    """The key of the overall limit: the same for every client."""
    return "all-addresses"


def first_in_window(limit: RequestLimit) -> bool:
    """True once per window of this limit and this key, on every worker sharing the storage."""
    digest = hashlib.sha256(limit.key.encode()).hexdigest()[:24]
    # limiter.limiter is the store the limits are counted in right now: Redis, or the
    # in-memory fallback while Redis is unreachable.
    store = limiter.limiter.storage
    try:
        return store.incr(f"lelp/login-flood/{digest}", limit.limit.get_expiry()) == 1
    except Exception:  # the store just failed: audit rather than lose the event
        return True


def audit_flood(limit: RequestLimit) -> Response:
    """Record the breach once per window, and answer with the sign-in page, not an error page."""
    if first_in_window(limit):
        scope = "all_addresses" if limit.shared else "address"
        detail: dict[str, object] = {"limit": str(limit.limit), "scope": scope}
        if not limit.shared:
            detail["ip_hash"] = address_hash(request.remote_addr)
        record_event("auth.login_flood", actor="anonymous", outcome="denied", detail=detail)
        db.session.commit()
    from matcher.auth.forms import LoginForm

    page = render_template("auth/login.html", form=LoginForm(), error=TOO_MANY)
    response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(limit.limit.get_expiry())
    return response


limit_per_address = limiter.limit(per_address, methods=["POST"], on_breach=audit_flood)
limit_overall = limiter.shared_limit(
    overall, scope="login-all", key_func=everyone, methods=["POST"], on_breach=audit_flood
)
