"""The program's numeric limits, checked in forms, files, services and database constraints alike."""

from __future__ import annotations

# A weekly session: long enough to be a lesson, short enough for a volunteer's evening.
MIN_SESSION_MINUTES = 15
MAX_SESSION_MINUTES = 240
DEFAULT_SESSION_MINUTES = 60

# A tutor takes one to three students at once; a student always has one tutor.
MIN_CAPACITY = 1
MAX_CAPACITY = 3

# Lengths of what people type: a display name (any script, pseudonyms welcome), an email
# address (the longest SMTP allows), a free-text note.
MAX_NAME = 80
MAX_EMAIL = 254
MAX_NOTE = 500
