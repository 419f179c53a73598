"""The words of each message, one plain-text template per kind and language (templates/mail/).

A template's first line is the subject, the rest the body. Templates are plain text: nothing is
HTML-escaped, and no message carries a remote image or a tracking link. Links are built from
``BASE_URL`` (never a request's Host header), so a command run with no request builds them too.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from matcher.models import Applicant
from matcher.services.mail.outbox import Letter

LANGUAGES = ("ko", "en")


def private_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/me/{token}"


def letter(kind: str, language: str, **context: Any) -> Letter:
    language = language if language in LANGUAGES else "ko"
    template = current_app.jinja_env.get_template(f"mail/{language}/{kind}.txt")
    subject, _, body = template.render(**context).partition("\n")
    return Letter(subject=subject.strip(), body=body.strip("\n") + "\n")


def letter_for(applicant: Applicant, kind: str, **context: Any) -> Letter:
    """A letter to this applicant in their language, with their name and semester filled in."""
    return letter(
        kind,
        applicant.language,
        name=applicant.display_name,
        semester=applicant.semester.name,
        **context,
    )
