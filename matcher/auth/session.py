"""Loads the signed-in coordinator and rejects any cookie whose session token was revoked."""

from __future__ import annotations

import hmac

from matcher.extensions import db, login_manager
from matcher.models import User


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
    return user
