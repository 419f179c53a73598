"""Turning validated records into the engine's people, with ids that hide contact details."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.applicant_file.fields import STUDENT
from matcher.applicant_file.records import ApplicantRecord
from matcher.matching.people import Person, person_from

_PREFIX = {"student": "S", "tutor": "T"}


def person_ids(records: Sequence[ApplicantRecord]) -> dict[int, str]:
    """Map each record's row number to an id like ``S002`` or ``T007``.

    Ids come from the row number, so they point back to the file without carrying an email,
    and they are zero-padded to one width so that sorting by id (the engine's tie-break)
    follows file order.
    """
    width = max(3, *(len(str(record.row)) for record in records)) if records else 3
    return {record.row: f"{_PREFIX[record.role]}{record.row:0{width}d}" for record in records}


def to_people(records: Sequence[ApplicantRecord]) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """Return ``(students, tutors)`` in file order, ready for a ``MatchingProblem``.

    ``continue_with`` is resolved from an email to the partner's id when the partner is in the
    file with the other role; otherwise it is dropped, since the engine can only honour a
    wish whose partner takes part.
    """
    ids = person_ids(records)
    by_role_email = {(record.role, record.email): ids[record.row] for record in records}
    students: list[Person] = []
    tutors: list[Person] = []
    for record in records:
        partner = (
            by_role_email.get((record.role.other, record.continue_with))
            if record.continue_with
            else None
        )
        person = person_from(record, ids[record.row], partner)
        (students if record.role == STUDENT else tutors).append(person)
    return tuple(students), tuple(tutors)
