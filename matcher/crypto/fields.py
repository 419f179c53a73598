"""EncryptedText: a column type that stores AES-GCM ciphertext and hands Python the plaintext.

Stored form: ``v1:`` + base64(12-byte nonce ‖ ciphertext ‖ tag), as Text. The associated data is
the column's name, so a ciphertext copied into another column (a note pasted over an email) fails
to decrypt instead of showing up in the wrong place. The database cannot compare, sort or search
these values: a comparison or LIKE written directly on the column raises instead of silently
matching nothing (look-up by email goes through ``email_hash``, see :mod:`matcher.crypto.lookup`).
ORDER BY on these columns cannot be caught this way: it would sort ciphertext, so sort in Python.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators

from matcher.crypto.keys import DataKeys, current_keys

PREFIX = "v1:"
NONCE_BYTES = 12


class DecryptionError(RuntimeError):
    """A stored value that this key cannot open: wrong key, tampered or truncated data."""


class EncryptedComparisonError(TypeError):
    """SQL that compares, searches or sorts an encrypted column; do it in Python instead."""


def encrypt(plaintext: str, column: str, keys: DataKeys) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = keys.cipher.encrypt(nonce, plaintext.encode("utf-8"), column.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str, column: str, keys: DataKeys) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError(f"{column}: stored value is not in the v1 encrypted format")
    try:
        blob = base64.b64decode(stored[len(PREFIX) :], validate=True)
        plain = keys.cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], column.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise DecryptionError(
            f"{column}: cannot decrypt (wrong MATCHER_DATA_KEY, or the stored value was altered)"
        ) from None
    return plain.decode("utf-8")


_NULL_CHECKS = {operators.is_, operators.is_not}


class EncryptedText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def __init__(self, column_name: str) -> None:
        super().__init__()
        self.column_name = column_name

    class Comparator(TypeDecorator.Comparator):
        """Only IS [NOT] NULL makes sense on ciphertext; anything else would silently match nothing."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in _NULL_CHECKS or (op in (operators.eq, operators.ne) and other == (None,)):
                return super().operate(op, *other, **kwargs)
            raise EncryptedComparisonError(
                f"{self.expr} is encrypted: compare, search and sort it in Python "
                "(emails: use email_hash)"
            )

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            raise EncryptedComparisonError(f"{self.expr} is encrypted: compare it in Python")

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"{self.column_name} takes text, not {type(value).__name__}")
        return encrypt(value, self.column_name, current_keys())

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return decrypt(value, self.column_name, current_keys())

    def process_literal_param(self, value: str | None, dialect: Dialect) -> str:
        raise EncryptedComparisonError(f"{self.column_name} cannot be rendered as a SQL literal")
