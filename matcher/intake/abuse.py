"""Quiet bot checks without third parties: a honeypot field and a minimum time to fill the form."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

_SALT = "intake-form-started"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def fill_token() -> str:
    """When the form was handed out, signed so a bot cannot simply claim it waited."""
    return _serializer().dumps("form")


def filled_too_fast(token: str | None) -> bool:
    """True when the form came back sooner than a person could fill it (or with a bad stamp)."""
    minimum = current_app.config.get("INTAKE_MIN_FILL_SECONDS", 0)
    if minimum <= 0:
        return False
    try:
        _, issued = _serializer().loads(token or "", return_timestamp=True)
    except BadData:
        return True
    return (datetime.now(UTC) - issued).total_seconds() < minimum


def is_bot(honeypot: str | None) -> bool:
    """People never see the honeypot field; anything in it was typed by a script."""
    return bool((honeypot or "").strip())
