"""Building one message for one person: headers that cannot be forged, text and optional parts.

Names go into headers only through :class:`email.headerregistry.Address`, which encodes them
(RFC 2047) and quotes what needs quoting, so a display name such as ``Eve\\r\\nBcc: x@evil.org``
or ``"a@b.org, c@d.org"`` stays one name of one recipient. Control characters are turned into
spaces before that, because the library refuses CR/LF outright and a refusal would block the
message instead of sending it with a harmless name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime

MAX_ADDRESS = 254
MAX_HEADER_TEXT = 200
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class AddressError(ValueError):
    """Not an email address we can send to (syntax only; nothing is looked up)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    data: bytes


def is_valid_address(address: str) -> bool:
    """Syntax only, no DNS: ``local@domain.tld`` in ASCII, one ``@``, sane lengths.

    Reserved domains (example.org) pass: they are syntactically fine and used in tests and demos.
    Quoted local parts and non-ASCII addresses (which need SMTPUTF8) are refused rather than
    half-supported.
    """
    if not isinstance(address, str) or not 3 <= len(address) <= MAX_ADDRESS:
        return False
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL_PART.match(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return labels[-1].isalpha() or labels[-1].lower().startswith("xn--")


def clean_header_text(text: str, limit: int = MAX_HEADER_TEXT) -> str:
    """One line of printable text: control and format characters become spaces, runs collapse.

    ``=?`` is split too: Python's email package decodes an RFC 2047 encoded word found in a
    display name when it writes the header, so ``=?utf-8?q?Bcc=3A_spy=40evil.example?=`` would
    come out as ``To: Bcc: spy@evil.example <…>``, a group that names a second address.
    """
    chars = (
        " " if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" else ch for ch in text
    )
    return " ".join("".join(chars).replace("=?", "= ?").split())[:limit]


def mailbox(name: str | None, address: str) -> Address:
    """A header mailbox with an encoded display name; refuses an address that is not valid."""
    if not is_valid_address(address):
        raise AddressError("not a valid email address")
    local, _, domain = address.rpartition("@")
    return Address(display_name=clean_header_text(name or ""), username=local, domain=domain)


def parse_sender(value: str) -> Address:
    """``MATCHER_MAIL_FROM``: ``Name <addr>`` or a bare address, exactly one mailbox."""
    header = default_policy.header_factory("From", value.strip())
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or header.defects:
        raise AddressError("MATCHER_MAIL_FROM must be one address, like 'LELP Match <x@y.org>'")
    only = addresses[0]
    return mailbox(only.display_name, only.addr_spec)


def compose(
    *,
    sender: Address,
    recipient: Address,
    subject: str,
    text: str,
    message_id: str,
    language: str,
    sent_at: datetime,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """A plain-text message (with an optional HTML alternative and attachments) to one person."""
    message = EmailMessage(policy=default_policy)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = clean_header_text(subject, limit=300)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id
    # Tells auto-responders not to answer a notification (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="8bit" if text.isascii() else "base64")
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        message.add_attachment(
            item.data, maintype=item.maintype, subtype=item.subtype, filename=item.filename
        )
    # After the parts: set_content and add_* drop every Content-* header already there.
    message["Content-Language"] = clean_header_text(language, limit=8)
    return message
