"""Handing a composed message to the world: an SMTP server, or an ``.eml`` file in a folder.

Every failure comes out as :class:`DeliveryError`, temporary (try again later: the server is
down, busy, or answered 4xx) or permanent (5xx: the same message will never be accepted). Its
``reason`` is safe to store and print: a status code and a category, never the server's own
words, which often repeat the recipient's address.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from matcher.mail.settings import MailSettings

_ENHANCED_CODE = re.compile(rb"^\s*([245]\.\d{1,3}\.\d{1,3})")


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


def open_transport(settings: MailSettings) -> Transport:
    if settings.scheme == "file":
        assert settings.directory is not None
        return FileTransport(settings.directory)
    return SmtpTransport(settings)


class FileTransport:
    """Writes each message to ``DIR/<message id>.eml`` (0600: it holds a name and a private link).

    The name comes from the stable Message-ID, so a message written twice (a retry after a crash)
    replaces its own file instead of appearing twice.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        stem = re.sub(r"[^A-Za-z0-9.-]", "_", str(message["Message-ID"]).strip("<>"))
        target = self.directory / f"{stem}.eml"
        partial = target.with_suffix(".eml.part")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(message.as_bytes())
            os.replace(partial, target)
        except OSError as error:
            raise DeliveryError(
                f"cannot write to the outbox folder ({error.strerror or 'error'})", permanent=False
            ) from None

    def close(self) -> None:
        return None


class SmtpTransport:
    """One SMTP connection kept open across a delivery pass, reopened after any failure."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        try:
            smtp = self._smtp or self._connect()
            smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except DeliveryError:
            self.close()
            raise
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise classify(error) from None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()  # certificates and host names verified
        smtp: smtplib.SMTP
        if settings.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        self._smtp = smtp
        smtp.ehlo()
        if settings.scheme == "smtp":
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif settings.starttls_required:
                raise DeliveryError(
                    "the mail server does not offer STARTTLS (starttls=required)", permanent=False
                )
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def classify(error: BaseException) -> DeliveryError:
    """Temporary or permanent, with a reason that holds no address and no server text."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = min(error.recipients.values(), default=(450, b""))
        return _from_code(code, text, "recipient refused")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Wrong credentials are a setting to fix, not a property of the message: keep retrying.
        return DeliveryError(f"{error.smtp_code} login refused by the mail server", permanent=False)
    if isinstance(error, smtplib.SMTPConnectError):
        return DeliveryError(
            f"{error.smtp_code} the mail server refused the connection", permanent=False
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _from_code(error.smtp_code, error.smtp_error, "refused by the mail server")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return DeliveryError("the mail server closed the connection", permanent=False)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryError("the mail server does not support a required feature", permanent=False)
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryError("the mail server's TLS certificate is not trusted", permanent=False)
    if isinstance(error, ssl.SSLError):
        return DeliveryError("TLS with the mail server failed", permanent=False)
    if isinstance(error, ConnectionRefusedError):
        return DeliveryError("connection refused (is the mail server running?)", permanent=False)
    if isinstance(error, socket.gaierror):
        return DeliveryError("the mail server's host name was not found", permanent=False)
    if isinstance(error, TimeoutError | socket.timeout):
        return DeliveryError("the mail server did not answer in time", permanent=False)
    if isinstance(error, OSError):
        return DeliveryError(f"network error ({type(error).__name__})", permanent=False)
    return DeliveryError(f"mail error ({type(error).__name__})", permanent=False)


def _from_code(code: int, text: bytes | str, what: str) -> DeliveryError:
    raw = text.encode("utf-8", "replace") if isinstance(text, str) else (text or b"")
    enhanced = _ENHANCED_CODE.match(raw)
    label = f"{code} {enhanced.group(1).decode()}" if enhanced else str(code)
    return DeliveryError(f"{label} {what}", permanent=500 <= code < 600)
