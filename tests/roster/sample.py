"""Synthetic roster data (made-up people) shared by the pure roster tests."""

from __future__ import annotations

from datetime import UTC, datetime

from matcher.roster import RosterPair, RosterPerson

# The contract's columns, copied by hand from shared/contracts/outputs.md on purpose: a test
# that imported the code's own tuple could not notice the code drifting from the contract.
CONTRACT_HEADER = [
    "export_id", "section", "pair_id", "student_id", "student_name", "tutor_id", "tutor_name",
    "status", "windows_seoul", "windows_student_local", "windows_tutor_local", "shared_goals",
    "score", "confirmed_at", "confirmed_by", "ended_at", "end_reason",
    "session_seoul", "session_student_local", "session_tutor_local", "session_agreed",
    "sessions_met", "sessions_missed", "last_met_on", "student_timezone", "tutor_timezone",
    "override_note",
]  # fmt: skip
CONTRACT_HEADER_WITH_CONTACTS = [
    "export_id", "section", "pair_id", "student_id", "student_name", "tutor_id", "tutor_name",
    "student_email", "tutor_email",
    "status", "windows_seoul", "windows_student_local", "windows_tutor_local", "shared_goals",
    "score", "confirmed_at", "confirmed_by", "ended_at", "end_reason",
    "session_seoul", "session_student_local", "session_tutor_local", "session_agreed",
    "sessions_met", "sessions_missed", "last_met_on", "student_timezone", "tutor_timezone",
    "override_note",
]  # fmt: skip

FORMULA_PAYLOADS = [
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "＝1",
    "\t=1",
    "\r=1",
    " =cmd|' /C calc'!A0",
]

EXPORT_ID = "EXP-ABCDEFGHJK"


def person(public_id: str, role: str, name: str, status: str = "approved") -> RosterPerson:
    return RosterPerson(
        public_id=public_id,
        role=role,
        display_name=name,
        email=f"{public_id.lower()}@example.org",
        status=status,
    )


def sample_data() -> tuple[list[RosterPair], list[RosterPerson], list[RosterPerson]]:
    """Two confirmed pairs, one ended, one unconfirmed proposal, two unmatched, one withdrawn."""
    confirmed_at = datetime(2027, 3, 8, 3, 0, tzinfo=UTC)
    pairs = [
        RosterPair(
            pair_id="P-BBBB",
            status="confirmed",
            student=person("S-B", "student", "하늘*"),
            tutor=person("T-B", "tutor", "Tutor Bee"),
            windows_seoul="Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00",
            windows_student_local="Thu 09:00-10:00; from 2027-03-14: Thu 08:00-09:00",
            windows_tutor_local="Wed 19:00-20:00",
            shared_goals="conversation;speech",
            score=9.3456,
            confirmed_at=confirmed_at,
            confirmed_by="Coordinator Kay",
        ),
        RosterPair(
            pair_id="P-AAAA",
            status="confirmed",
            student=person("S-A", "student", "Ara*"),
            tutor=person("T-A", "tutor", "Tutor Ash"),
            score=7.0,
            confirmed_at=confirmed_at,
            confirmed_by="Coordinator Kay",
        ),
        RosterPair(
            pair_id="P-CCCC",
            status="ended",
            student=person("S-C", "student", "Chan*"),
            tutor=person("T-C", "tutor", "Tutor Cy"),
            score=5.5,
            confirmed_at=confirmed_at,
            confirmed_by="Coordinator Kay",
            ended_at=datetime(2027, 4, 30, 15, 30, tzinfo=UTC),
            end_reason="tutor moved house",
        ),
        RosterPair(
            pair_id="P-DDDD",
            status="proposed",
            student=person("S-D", "student", "Dal*"),
            tutor=person("T-D", "tutor", "Tutor Dee"),
        ),
    ]
    unmatched = [person("T-E", "tutor", "Tutor Eve"), person("S-E", "student", "Eun*")]
    withdrawn = [person("S-F", "student", "Fay*", status="withdrawn")]
    return pairs, unmatched, withdrawn
