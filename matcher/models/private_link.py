"""Extra private links: each email may carry a fresh link, and every one of them keeps working.

The applicant's first link lives in ``applicants.edit_token_hash``; links sent later by email
("email me my link", an introduction…) are rows here, so asking for a link never cuts off the
one a person already uses (otherwise anyone who knows their email could). Only hashes are kept.
A coordinator revokes them all at once (matcher.services.applicants.links).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, UTCDateTime, utcnow


class PrivateLink(Base):
    __tablename__ = "private_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicants.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
