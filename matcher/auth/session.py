"""Loads the signed-in coordinator and rejects revoked, idle or too-old sessions."""

from __future__ import annotations

import hmac
import time

from flask import current_app, session
from flask_login import login_user, logout_user

from matcher.extensions import db, login_manager
from matcher.models import User

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"


def session_expired(now: float) -> bool:
    """True when the session is older than the absolute limit or idle longer than the idle limit.

    The signed cookie alone could be replayed for as long as it is kept; timestamps inside it,
    checked here on every request, bound how long a stolen or forgotten session is useful.
    """
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return True
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    return now - login_at > absolute or now - seen_at > idle


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The cookie carries "<user id>:<session token>"; rotating the token revokes every session."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    now = time.time()
    if session_expired(now):
        return None
    session[SEEN_AT] = int(now)
    return user


def start_session(user: User) -> None:
    """A fresh session: nothing from before sign-in (a planted session id, say) survives it."""
    session.clear()
    login_user(user, remember=False)
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end_session() -> None:
    logout_user()
    session.clear()
