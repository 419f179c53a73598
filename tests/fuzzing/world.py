"""A small semester built afresh for each fuzz example, and a coordinator signed in to it.

Hypothesis runs every example of a test against the same database, so each example makes its
own semester, people, pairs and accounts and later compares the database with itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask.testing import FlaskClient

STATUSES = ("matching", "active", "intake", "closed")  # the simplest example first
# Names that are valid to store and dangerous to show: markup, formulas, other scripts.
STORED_NAMES = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "\u1100\u1161\u11a8",
    "🌸 Byeol",
    "مرحبا",
)


@dataclass(frozen=True)
class World:
    """Ids only: every request loads the rows again."""

    semester_id: int
    status: str
    students: tuple[str, ...]  # approved, approved, approved, pending
    tutors: tuple[str, ...]  # approved (takes 1), approved (takes 3, has 2), waitlisted
    pairs: tuple[tuple[str, int], ...]  # (pair id, version): see PAIRS
    exclusion_id: int  # the third student with the first tutor
    admin_id: int
    other_user_id: int
    client: FlaskClient


# (student, tutor, status) by index; the second pair is confirmed once the semester is active.
PAIRS = ((0, 0, "proposed"), (1, 1, "locked"), (2, 1, "proposed"), (1, 0, "ended"))
PASSWORD = "correct horse battery"  # make_user's default
