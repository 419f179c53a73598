"""One flush for every service: a race the database refuses becomes a domain error, by name.

Two coordinators acting at once meet the database's own guards: a stale `version`
(StaleDataError) or a unique constraint that only a race can hit (a second active pair for a
student, the same exclusion twice). Those become :class:`ChangedMeanwhile`, which the pages show
as "changed meanwhile, reload". Any other refusal (a CHECK that fails, a foreign key, a unique
constraint no race can explain) is a bug and is re-raised unchanged, so it is seen rather than
disguised as a race.

PostgreSQL names the constraint in the error; SQLite names a CHECK but reports a unique
constraint by its columns ("UNIQUE constraint failed: matches.student_id"), so the columns of
every unique constraint and index in the models are mapped back to its name.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from matcher.extensions import db
from matcher.models.base import Base
from matcher.services.errors import ChangedMeanwhile

# Unique constraints that two people acting at once can hit, each a "changed meanwhile": the
# services check each of them first, so only a change committed after that check reaches them.
RACE_CONSTRAINTS = frozenset(
    {
        "uq_matches_one_active_per_student",
        "uq_exclusions_pair",
        "uq_semesters_name",
        "uq_semesters_one_intake",
        "uq_users_email",
        "uq_applicants_semester_role_email_hash",
    }
)


def flush() -> None:
    """Flush the session; a lost race becomes ChangedMeanwhile, anything else propagates."""
    try:
        db.session.flush()
    except StaleDataError:
        raise ChangedMeanwhile() from None
    except IntegrityError as error:
        if constraint_name(error) in RACE_CONSTRAINTS:
            raise ChangedMeanwhile() from None
        raise


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint the database says was broken, or None if it says none."""
    diag = getattr(error.orig, "diag", None)  # psycopg
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    message = str(error.orig)
    for prefix in ("UNIQUE constraint failed: ", "CHECK constraint failed: "):
        if message.startswith(prefix):
            detail = message.removeprefix(prefix).strip()
            return _unique_by_columns().get(detail, detail)
    return None


@cache
def _unique_by_columns() -> dict[str, str]:
    """SQLite's wording of each unique constraint and index ("t.a, t.b") → its name."""
    names: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        groups: list[UniqueConstraint | Index] = [
            c for c in table.constraints if isinstance(c, UniqueConstraint)
        ]
        groups += [i for i in table.indexes if i.unique]
        for group in groups:
            wording = ", ".join(f"{table.name}.{column.name}" for column in group.columns)
            names[wording] = str(group.name)
    return names
