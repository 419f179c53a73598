"""Admin-only account management: create, deactivate, reactivate and reset coordinators."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.coordinator.changes import commit_or_flash
from matcher.coordinator.forms import ConfirmForm, CreateAccountForm
from matcher.extensions import db
from matcher.services.accounts.coordinators import (
    create_coordinator,
    get_user,
    list_users,
    reset_password,
    set_active,
)
from matcher.services.accounts.signin import locked_addresses
from matcher.services.errors import DomainError

blueprint = Blueprint("accounts", __name__, url_prefix="/accounts")


@blueprint.before_request
def require_admin() -> None:
    """Runs after the dashboard's own login check (parent blueprints go first)."""
    if not current_user.is_admin:
        abort(403)


@blueprint.get("/")
def index() -> str:
    return render_template(
        "coordinator/accounts.html",
        users=list_users(),
        locks=locked_addresses(),
        form=CreateAccountForm(),
        action=ConfirmForm(),
    )


@blueprint.post("/")
def create() -> str | Response | tuple[str, int]:
    form = CreateAccountForm()
    if form.validate_on_submit():
        try:
            user, password = create_coordinator(
                form.email.data or "", form.name.data or "", admin=form.admin.data, by=current_user
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            db.session.commit()
            return render_template(
                "coordinator/account_password.html", user=user, password=password
            )
    return render_template(
        "coordinator/accounts.html",
        users=list_users(),
        locks=locked_addresses(),
        form=form,
        action=ConfirmForm(),
    ), 400


@blueprint.post("/<int:user_id>/deactivate")
def deactivate(user_id: int) -> Response:
    return _set_active(user_id, False)


@blueprint.post("/<int:user_id>/reactivate")
def reactivate(user_id: int) -> Response:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    def change() -> str:
        set_active(get_user(user_id), active, by=current_user)
        return "Account reactivated." if active else "Account deactivated; its sessions ended."

    commit_or_flash(change)
    return redirect(url_for(".index"))


@blueprint.post("/<int:user_id>/reset")
def reset(user_id: int) -> str:
    user = get_user(user_id)
    password = reset_password(user, by=current_user)
    db.session.commit()
    return render_template("coordinator/account_password.html", user=user, password=password)
