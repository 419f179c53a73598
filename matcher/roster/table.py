"""The semester roster as plain lines: the columns and sections of the outputs contract, from plain data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from matcher.domain import ApplicantStatus, MatchStatus

SECTIONS = ("matched", "ended", "unmatched", "withdrawn")

COLUMNS = (
    "export_id",
    "section",
    "pair_id",
    "student_id",
    "student_name",
    "tutor_id",
    "tutor_name",
    "status",
    "windows_seoul",
    "windows_student_local",
    "windows_tutor_local",
    "shared_goals",
    "score",
    "confirmed_at",
    "confirmed_by",
    "ended_at",
    "end_reason",
    "session_seoul",
    "session_student_local",
    "session_tutor_local",
    "session_agreed",
    "sessions_met",
    "sessions_missed",
    "last_met_on",
    "student_timezone",
    "tutor_timezone",
    "override_note",
)
CONTACT_COLUMNS = ("student_email", "tutor_email")

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class RosterPerson:
    """One applicant as the roster shows them: the stable pseudonymous id, never a row number."""

    public_id: str
    role: str  # "student" or "tutor"
    display_name: str
    email: str
    status: str = ApplicantStatus.APPROVED
    timezone: str = ""


@dataclass(frozen=True)
class RosterPair:
    """One confirmed or ended pair; ``confirmed_by`` is a coordinator's name or id, never an email."""

    pair_id: str
    status: str
    student: RosterPerson
    tutor: RosterPerson
    windows_seoul: str = ""
    windows_student_local: str = ""
    windows_tutor_local: str = ""
    shared_goals: str = ""
    score: float | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str = ""
    ended_at: datetime | None = None
    end_reason: str = ""
    session_seoul: str = ""
    session_student_local: str = ""
    session_tutor_local: str = ""
    session_agreed: bool = False
    # Weekly check-ins do not exist yet: no week is counted as met or missed.
    sessions_met: int = 0
    sessions_missed: int = 0
    last_met_on: str = ""
    override_note: str = ""


def header(include_contacts: bool) -> tuple[str, ...]:
    """The contract's columns; the two email columns follow ``tutor_name`` only when asked for."""
    if not include_contacts:
        return COLUMNS
    at = COLUMNS.index("tutor_name") + 1
    return COLUMNS[:at] + CONTACT_COLUMNS + COLUMNS[at:]


def seoul_timestamp(moment: datetime | None) -> str:
    """ISO 8601 in Seoul time with its offset: what coordinators read, and still unambiguous."""
    if moment is None:
        return ""
    return moment.astimezone(SEOUL).isoformat(timespec="minutes")


def _by_names(pair: RosterPair) -> tuple[str, str, str]:
    return (pair.student.display_name.casefold(), pair.tutor.display_name.casefold(), pair.pair_id)


def _by_role_and_name(person: RosterPerson) -> tuple[int, str, str]:
    return (person.role != "student", person.display_name.casefold(), person.public_id)


def rows(
    export_id: str,
    pairs: Iterable[RosterPair],
    unmatched: Iterable[RosterPerson],
    withdrawn: Iterable[RosterPerson],
    *,
    include_contacts: bool,
) -> list[tuple[object, ...]]:
    """Every roster line in header order, grouped by section in the contract's order.

    ``pairs`` with status ``confirmed`` become ``matched`` lines and those with ``ended`` become
    ``ended`` lines; other statuses (unconfirmed proposals) are not part of the record and are
    left out — the caller decides who counts as unmatched. Within a section lines are sorted by
    names (then ids), so the file reads like a class list and is the same for the same data.
    Emails are only ever read when ``include_contacts`` is true.
    """
    pairs = list(pairs)
    lines: list[dict[str, object]] = []
    for section, status in (("matched", MatchStatus.CONFIRMED), ("ended", MatchStatus.ENDED)):
        for pair in sorted((p for p in pairs if p.status == status), key=_by_names):
            lines.append(_pair_line(section, pair, include_contacts))
    for section, people in (("unmatched", unmatched), ("withdrawn", withdrawn)):
        for person in sorted(people, key=_by_role_and_name):
            lines.append(_person_line(section, person, include_contacts))
    columns = header(include_contacts)
    return [tuple([export_id, *(line.get(name, "") for name in columns[1:])]) for line in lines]


def _pair_line(section: str, pair: RosterPair, include_contacts: bool) -> dict[str, object]:
    line: dict[str, object] = {
        "section": section,
        "pair_id": pair.pair_id,
        "student_id": pair.student.public_id,
        "student_name": pair.student.display_name,
        "tutor_id": pair.tutor.public_id,
        "tutor_name": pair.tutor.display_name,
        "status": pair.status,
        "windows_seoul": pair.windows_seoul,
        "windows_student_local": pair.windows_student_local,
        "windows_tutor_local": pair.windows_tutor_local,
        "shared_goals": pair.shared_goals,
        # Two decimals, as `match preview` prints them (7.00, not 7.0); still a number in XLSX.
        "score": None if pair.score is None else Decimal(f"{pair.score:.2f}"),
        "confirmed_at": seoul_timestamp(pair.confirmed_at),
        "confirmed_by": pair.confirmed_by,
        "ended_at": seoul_timestamp(pair.ended_at),
        "end_reason": pair.end_reason,
        "session_seoul": pair.session_seoul,
        "session_student_local": pair.session_student_local,
        "session_tutor_local": pair.session_tutor_local,
        "session_agreed": "yes" if pair.session_agreed else "no",
        "sessions_met": pair.sessions_met,
        "sessions_missed": pair.sessions_missed,
        "last_met_on": pair.last_met_on,
        "student_timezone": pair.student.timezone,
        "tutor_timezone": pair.tutor.timezone,
        "override_note": pair.override_note,
    }
    if include_contacts:
        line["student_email"] = pair.student.email
        line["tutor_email"] = pair.tutor.email
    return line


def _person_line(section: str, person: RosterPerson, include_contacts: bool) -> dict[str, object]:
    """A line for one person without a pair: the other side's columns stay empty."""
    side = "student" if person.role == "student" else "tutor"
    line: dict[str, object] = {
        "section": section,
        f"{side}_id": person.public_id,
        f"{side}_name": person.display_name,
        "status": person.status,
        f"{side}_timezone": person.timezone,
    }
    if include_contacts:
        line[f"{side}_email"] = person.email
    return line


def count_by_section(lines: Sequence[Sequence[object]]) -> dict[str, int]:
    counts = dict.fromkeys(SECTIONS, 0)
    for line in lines:
        counts[str(line[1])] += 1
    return counts
