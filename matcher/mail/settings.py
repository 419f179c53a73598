"""Where mail goes: ``MATCHER_MAIL_URL`` parsed once into plain settings (smtp, smtps or file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_PORT = 25
SMTPS_PORT = 465
DEFAULT_OUTBOX_DIR = "outbox"


class MailSettingsError(ValueError):
    """MATCHER_MAIL_URL cannot be used; the message never repeats the password."""


@dataclass(frozen=True)
class MailSettings:
    scheme: str  # "smtp", "smtps" or "file"
    host: str = ""
    port: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls_required: bool = False
    directory: Path | None = None
    timeout_seconds: float = 30.0

    def describe(self) -> str:
        """Where mail goes, for command output: never the user name or password."""
        if self.scheme == "file":
            return f"files in {self.directory}"
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_mail_url(
    url: str | None, instance_path: str, timeout_seconds: float = 30.0
) -> MailSettings:
    """Read ``smtp://[user:pw@]host[:port][?starttls=required]``, ``smtps://…`` or ``file://DIR``.

    An empty URL means ``file://`` into ``instance/outbox/`` so that a fresh install writes its
    messages where a coordinator can open them, with no mail server. A relative ``file://`` path
    is taken inside the instance folder.
    """
    text = (url or "").strip()
    if not text:
        return MailSettings("file", directory=Path(instance_path) / DEFAULT_OUTBOX_DIR)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "file":
        raw = unquote(parts.netloc + parts.path)
        directory = Path(raw) if raw else Path(DEFAULT_OUTBOX_DIR)
        if not directory.is_absolute():
            directory = Path(instance_path) / directory
        return MailSettings("file", directory=directory)
    if scheme not in ("smtp", "smtps"):
        raise MailSettingsError(
            "MATCHER_MAIL_URL must start with smtp://, smtps:// or file:// "
            f"(got {scheme or 'no scheme'}://)."
        )
    try:
        port = parts.port
    except ValueError:
        raise MailSettingsError("MATCHER_MAIL_URL has a port that is not a number.") from None
    if not parts.hostname:
        raise MailSettingsError(f"MATCHER_MAIL_URL ({scheme}://) names no host.")
    query = parse_qs(parts.query)
    starttls = [value.lower() for value in query.get("starttls", [])]
    if any(value not in ("required", "auto") for value in starttls):
        raise MailSettingsError("MATCHER_MAIL_URL: starttls can only be 'required'.")
    return MailSettings(
        scheme,
        host=parts.hostname,
        port=port or (SMTPS_PORT if scheme == "smtps" else SMTP_PORT),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls_required="required" in starttls,
        timeout_seconds=timeout_seconds,
    )
