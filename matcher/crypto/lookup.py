"""Keyed hashes that let the database find and de-duplicate applicants by an encrypted email."""

from __future__ import annotations

import hashlib
import hmac

from matcher.crypto.keys import DataKeys, current_keys


def normalise_email(email: str) -> str:
    """The form every email is stored and compared in: trimmed and lowercased (the contract's rule)."""
    return email.strip().lower()


def email_hash(email: str) -> str:
    """HMAC-SHA256 (hex) of the normalised email under a key derived from the data key.

    Keyed, so a copy of the database alone cannot confirm a guessed address the way a plain
    hash of a known email list could.
    """
    return email_hash_under(current_keys(), email)


def email_hash_under(keys: DataKeys, email: str) -> str:
    """The same hash under given keys: a key rotation computes it under the new key."""
    digest = hmac.new(keys.email_hash_key, normalise_email(email).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()
