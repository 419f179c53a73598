"""Refuse form posts that a browser says came from another site.

Every page is sent with ``Referrer-Policy: no-referrer``, so browsers send no ``Referer`` and
an ``Origin`` of ``null`` with our own forms. Flask-WTF's HTTPS referrer check
(``WTF_CSRF_SSL_STRICT``) would then refuse every legitimate post made over HTTPS, so it is
off (see config) and this check takes its place: modern browsers label each request with
``Sec-Fetch-Site`` whatever the referrer policy, and a post labelled as coming from another
site is refused before the form is read. Browsers that send no such header still meet the
session-bound CSRF token, which stays the main defence.
"""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# "none": typed into the address bar or opened from a bookmark; never another site's page.
TRUSTED_SITES = frozenset({"same-origin", "none"})


def install(app: Flask) -> None:
    app.before_request(refuse_cross_site_posts)


def refuse_cross_site_posts() -> None:
    if request.method not in UNSAFE_METHODS:
        return
    site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if site and site not in TRUSTED_SITES:
        raise CSRFError("The form was sent from another site.")
