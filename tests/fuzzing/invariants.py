"""What must hold after any post: whole rows only, every change audited, pairs that make sense."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from hypothesis import event
from sqlalchemy import select
from werkzeug.test import TestResponse

from matcher.extensions import db
from matcher.models import ACTIVE_MATCH_STATUSES, Applicant, Base, Match

from .hostile import assert_escaped

# Rows of every table by primary key, as the database holds them (decrypted).
Snapshot = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]
AUDIT = "audit_events"
# Rows that carry a semester and must not change once it is closed.
SEMESTER_TABLES = ("applicants", "matches", "exclusions", "match_runs")


def snapshot() -> Snapshot:
    """Everything committed so far; the rollback drops what a request flushed but never committed,
    as the end of the request does in production."""
    db.session.rollback()
    tables: Snapshot = {}
    for table in Base.metadata.sorted_tables:
        key = [column.name for column in table.primary_key.columns]
        rows = db.session.execute(table.select()).mappings()
        tables[table.name] = {tuple(row[k] for k in key): tuple(row.values()) for row in rows}
    return tables


@dataclass(frozen=True)
class Change:
    """What one post did to the database."""

    tables: frozenset[str]  # tables other than the audit trail whose rows changed
    events: tuple[tuple[str, str], ...]  # new audit events as (action, outcome)
    rows: dict[str, list[tuple[Any, ...]]]  # added or changed rows per table, new values

    @property
    def ok_events(self) -> set[str]:
        return {action for action, outcome in self.events if outcome == "ok"}


def compare(before: Snapshot, after: Snapshot) -> Change:
    changed, rows = set(), {}
    for name, now in after.items():
        then = before.get(name, {})
        touched = [row for key, row in now.items() if then.get(key) != row]
        if name != AUDIT and (touched or then.keys() - now.keys()):
            changed.add(name)
            rows[name] = touched
    columns = [c.name for c in Base.metadata.tables[AUDIT].columns]
    action, outcome = columns.index("action"), columns.index("outcome")
    events = tuple(
        (row[action], row[outcome])
        for key, row in sorted(after[AUDIT].items())
        if key not in before[AUDIT]
    )
    return Change(frozenset(changed), events, rows)


def check_audited(change: Change, *, refused: bool, audited_without_change: frozenset[str]) -> None:
    """A refused post changes nothing; any change leaves an audit event; and an event claims a
    change only if one happened (or the action is itself the record, like an export)."""
    if refused:
        assert not change.tables, f"refused, yet {sorted(change.tables)} changed"
        assert not change.ok_events, f"refused, yet audited as done: {change.events}"
    elif change.tables:
        assert change.ok_events, f"{sorted(change.tables)} changed without an audit event"
    else:
        unexplained = change.ok_events - audited_without_change
        assert not unexplained, f"audited {sorted(unexplained)} but nothing changed"


def check_closed_semester_kept(change: Change, semester_id: int) -> None:
    """Nothing of a closed semester changes (except what a route is allowed to, like erasure)."""
    for name in SEMESTER_TABLES:
        columns = [c.name for c in Base.metadata.tables[name].columns]
        where = columns.index("semester_id")
        touched = [row for row in change.rows.get(name, []) if row[where] == semester_id]
        assert not touched, f"a closed semester's {name} changed"


def check_pairs(semester_id: int) -> None:
    """At most one active pair per student, no tutor over capacity, only approved people paired.

    Only this example's semester: a broken one left by an earlier (failing) example must not
    make a later one fail too, or hypothesis would shrink to the wrong example.
    """
    active = [s.value for s in ACTIVE_MATCH_STATUSES]
    matches = db.session.scalars(
        select(Match).where(Match.semester_id == semester_id, Match.status.in_(active))
    ).all()
    per_student = Counter(m.student_id for m in matches)
    per_tutor = Counter(m.tutor_id for m in matches)
    assert max(per_student.values(), default=0) <= 1, "a student has two active pairs"
    for tutor_id, count in per_tutor.items():
        tutor = db.session.get(Applicant, tutor_id)
        assert count <= tutor.capacity, (
            f"{tutor.public_id} has {count} pairs, takes {tutor.capacity}"
        )
    for match in matches:
        statuses = (match.student.status, match.tutor.status)
        assert statuses == ("approved", "approved"), f"{match.public_id} pairs {statuses}"


@dataclass(frozen=True)
class Answer:
    """A post's response, the messages it flashed, and whether it refused what was sent."""

    status: int
    errors: tuple[str, ...]
    refused: bool


def post_and_check(
    client: FlaskClient, path: str, data: Any, *, redirects_when_done: bool = True, **kwargs: Any
) -> tuple[Answer, TestResponse]:
    """Post; never a server error, never raw markup, never a redirect off the site; the page a
    redirect leads to (with this post's flashed messages) is checked the same way."""
    response = client.post(path, data=data, **kwargs)
    assert response.status_code < 500, response.status_code
    check_page(response)
    with client.session_transaction() as session:
        flashed = list(session.get("_flashes", []))
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers["Location"])
        assert location.scheme in ("", "http") and location.netloc in ("", "localhost"), (
            f"redirected off the site: {response.headers['Location']!r}"
        )
        target = client.get(location.path, query_string=location.query)
        assert target.status_code < 500, target.status_code
        check_page(target)
    errors = tuple(message for category, message in flashed if category == "error")
    refused = (
        response.status_code >= 400
        or bool(errors)
        or (redirects_when_done and response.status_code == 200)
    )
    return Answer(response.status_code, errors, refused), response


def check_page(response: TestResponse) -> None:
    if response.mimetype == "text/html":
        assert_escaped(response.get_data(as_text=True))


def post_and_verify(
    client: FlaskClient,
    path: str,
    data: Any,
    *,
    semester_id: int,
    frozen: bool = False,
    redirects_when_done: bool = True,
    audited_without_change: frozenset[str] = frozenset(),
) -> Change:
    """Post with every check: the page (post_and_check), then the database: a refused post
    changed nothing, a change is audited, the semester's pairs are sound and, when it is
    ``frozen`` (closed), none of its rows changed."""
    before = snapshot()
    answer, _response = post_and_check(client, path, data, redirects_when_done=redirects_when_done)
    change = compare(before, snapshot())
    event("refused" if answer.refused else "changed" if change.tables else "no change")
    check_audited(change, refused=answer.refused, audited_without_change=audited_without_change)
    if frozen:
        check_closed_semester_kept(change, semester_id)
    check_pairs(semester_id)
    return change
