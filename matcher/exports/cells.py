"""Neutralising spreadsheet formula injection in a single cell, for every file the service writes."""

from __future__ import annotations

from decimal import Decimal

# A cell starting with one of these is read as a formula (or DDE command) by Excel or
# LibreOffice; the full-width forms are included because some spreadsheets fold them.
_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")


def neutralise(value: object) -> str:
    """Return ``value`` as cell text that no spreadsheet will evaluate.

    A leading apostrophe makes Excel and LibreOffice show the text as typed. Numbers are left
    alone (``-2`` is a number, not a formula); ``None`` becomes an empty cell. Leading spaces
    are looked through, because some spreadsheets trim them before deciding.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in _TRIGGERS:
        return "'" + text
    return text
