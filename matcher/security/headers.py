"""Security headers on every response, no-store where a page is private, and a request id."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

# No inline script or style anywhere: a value that slipped past escaping still cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
# Applicants' private-link pages (the link is the only key to them) and the page that shows
# a new link once: a shared phone's browser cache must not keep either.
PRIVATE_PATH_PREFIXES = ("/me/", "/apply/done")
REQUEST_ID_HEADER = "X-Request-ID"


def install(app: Flask) -> None:
    # First of all before_request hooks, so even a request that CSRF protection or the size
    # cap refuses carries its own id onto the error page.
    app.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)
    app.after_request(add_security_headers)
    app.context_processor(lambda: {"request_id": request_id()})


def assign_request_id() -> None:
    """A fresh random id per request; never taken from the client (it goes into logs)."""
    g.request_id = secrets.token_hex(8)


def request_id() -> str:
    """This request's id; assigned on first use if an early failure skipped the hook."""
    if "request_id" not in g:
        assign_request_id()
    return g.request_id


def is_private(response: Response) -> bool:
    """Responses that must never be stored by a browser or a proxy."""
    disposition = response.headers.get("Content-Disposition", "")
    if disposition.lower().startswith("attachment"):
        return True
    if request.path.startswith(PRIVATE_PATH_PREFIXES):
        return True
    return bool(current_user and current_user.is_authenticated)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # older browsers that ignore frame-ancestors
    headers["Referrer-Policy"] = "no-referrer"
    headers[REQUEST_ID_HEADER] = request_id()
    if current_app.config.get("ENV_NAME") == "production":
        headers["Strict-Transport-Security"] = HSTS
    if is_private(response):
        headers["Cache-Control"] = "no-store"
    return response
