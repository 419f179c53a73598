"""Coordinator sign-in, sign-out and password change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matcher.auth.forms import LoginForm, PasswordChangeForm
from matcher.auth.limits import limit_overall, limit_per_address
from matcher.auth.session import end_session, start_session
from matcher.extensions import db
from matcher.security.redirects import safe_next
from matcher.services.accounts.coordinators import change_password, log_out
from matcher.services.accounts.signin import authenticate
from matcher.services.errors import DomainError

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
@limit_overall
@limit_per_address
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("coordinator.overview"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr
            )
        except DomainError as failure:
            db.session.commit()  # keep the failure counters and the audit row
            error = failure.message
        else:
            db.session.commit()
            start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("coordinator.overview")))
    elif request.method == "POST":
        error = "Enter your email and password."
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.post("/logout")
@login_required
def logout() -> Response:
    log_out(current_user)
    db.session.commit()
    end_session()
    flash("You are signed out. Every other session of your account was signed out too.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user, form.current.data or "", form.new.data or "", form.confirm.data or ""
            )
        except DomainError as error:
            db.session.commit()  # a failed attempt is audited too
            getattr(form, error.field or "current").errors.append(error.message)
        else:
            user = current_user._get_current_object()
            db.session.commit()
            start_session(user)
            flash("Password changed. Your other sessions were signed out.", "info")
            return redirect(url_for("coordinator.overview"))
    return render_template("auth/password.html", form=form)
