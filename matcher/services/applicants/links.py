"""Private links: finding the applicant behind one, issuing more, revoking them all."""

from __future__ import annotations

from sqlalchemy import delete, select

from matcher.extensions import db
from matcher.models import Applicant, PrivateLink
from matcher.services.applicants.adding import hash_edit_token, new_edit_token
from matcher.services.audit import record_event

MAX_TOKEN = 200


def applicant_for_token(token: str) -> Applicant | None:
    """The applicant whose first link, or any link sent later, this is."""
    if not token or len(token) > MAX_TOKEN:
        return None
    token_hash = hash_edit_token(token)
    applicant = db.session.scalars(
        select(Applicant).where(Applicant.edit_token_hash == token_hash)
    ).first()
    if applicant is not None:
        return applicant
    return db.session.scalars(
        select(Applicant)
        .join(PrivateLink, PrivateLink.applicant_id == Applicant.id)
        .where(PrivateLink.token_hash == token_hash)
    ).first()


def issue_extra_link(applicant: Applicant) -> str:
    """One more working link for this person (for an email); earlier links keep working."""
    token, token_hash = new_edit_token()
    db.session.add(PrivateLink(applicant_id=applicant.id, token_hash=token_hash))
    db.session.flush()
    return token


def revoke_extra_links(applicant: Applicant) -> int:
    """Remove every link sent by email; the caller decides about the first link."""
    result = db.session.execute(delete(PrivateLink).where(PrivateLink.applicant_id == applicant.id))
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_all_links(applicant: Applicant, *, actor: str) -> int:
    """A coordinator cuts off every private link of this person (a leaked link, a lost phone)."""
    removed = revoke_extra_links(applicant) + (1 if applicant.edit_token_hash else 0)
    applicant.edit_token_hash = None
    db.session.flush()
    if removed:  # nothing to revoke: nothing happened, so nothing to record
        record_event(
            "applicant.links_revoked",
            actor=actor,
            target=applicant.public_id,
            detail={"links": removed},
        )
    return removed
