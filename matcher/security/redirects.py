"""`next=` targets limited to paths on this site, so a phishing link cannot borrow our login page."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_LENGTH = 2000


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a plain path on this site, else ``fallback``.

    Browsers are lenient where Python is not: they turn ``\\`` into ``/`` and drop tabs and
    newlines, so ``/\\evil.example`` and ``/\\t/evil.example`` both become the scheme-relative
    ``//evil.example``. Anything with a backslash, a control or format character (bidi
    overrides included), a scheme or a host is refused rather than cleaned up.
    """
    if not target or len(target) > MAX_LENGTH:
        return fallback
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
