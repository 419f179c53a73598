"""Telling the other person that the session was accepted, changed or set.

The outbox (issue 14, the ``mail`` helper's ``matcher.mail``) had not landed when this was
written, so no email is queued yet: this is the one place to connect it, and it records nothing
else. Until then people see the state of the agreement on their private pages.
"""

from __future__ import annotations

from matcher.models import Applicant, Match


def tell_partner(match: Match, person: Applicant, what: str) -> None:
    """Queue a message to ``person`` about their pair's session (``what``: accepted, changed,
    agreed or set). Not connected yet: see the module docstring."""
    del match, person, what
