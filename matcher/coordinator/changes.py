"""One dashboard change per request: committed with its message, or rolled back with the rule.

Services flush and raise ``DomainError``; the request commits once, here, so a refused change
leaves nothing half-done behind.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from matcher.extensions import db
from matcher.services.errors import DomainError


def commit_or_flash(change: Callable[[], str]) -> bool:
    """Make one change: commit it and flash its message, or roll back and flash the rule it broke."""
    try:
        message = change()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(message, "info")
    return True
