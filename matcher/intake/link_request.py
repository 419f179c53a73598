"""The public "email me my link" page (routes on the intake blueprint).

Whatever was typed, a valid-looking address gets the same page and the same status code, so
the page cannot tell anyone whether that address applied. Limits: per client address (this
route) and per recipient (matcher.services.mail.link_requests).
"""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.wrappers import Response

from matcher.extensions import db, limiter
from matcher.intake.forms import LinkRequestForm
from matcher.intake.views import blueprint
from matcher.services.mail.link_requests import request_link


def _limit() -> str:
    return current_app.config["LINK_REQUEST_RATE_LIMIT"]


@blueprint.route("/link", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def link_request() -> str | Response:
    form = LinkRequestForm()
    if form.validate_on_submit():
        request_link(form.email.data or "")
        db.session.commit()
        return render_template("intake/link_sent.html")
    return render_template("intake/link_request.html", form=form)
