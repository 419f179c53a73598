"""Importing a checked applicants file into a semester: every row or none, with few queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from matcher.applicant_file import ApplicantFile, ApplicantRecord, RowError, ignored_columns_line
from matcher.database import begin_writing
from matcher.domain.windows import format_windows
from matcher.extensions import db
from matcher.mail.compose import is_valid_address
from matcher.models import (
    Applicant,
    ApplicantStatus,
    ConsentSource,
    MailKind,
    Match,
    Semester,
    User,
    UserRole,
)
from matcher.models.applicant import new_public_id
from matcher.models.base import utcnow
from matcher.services.applicants.adding import apply_fields, new_edit_token
from matcher.services.audit import record_event, user_actor
from matcher.services.errors import DomainError
from matcher.services.mail.notices import send_private_link, tell_pair_ended
from matcher.services.pairs.records import active_pairs_of, end_match

IMPORT_STATUSES = (ApplicantStatus.APPROVED, ApplicantStatus.PENDING)
# Rows are flushed in chunks only so that a progress bar can move; it is still one transaction.
CHUNK_ROWS = 1000
TIMES_CHANGED_REASON = "availability changed by an import"


class InvalidRows(DomainError):
    """The file has row (or header) errors, so nothing may be imported; ``errors`` lists them all."""

    def __init__(self, errors: Sequence[RowError], *, header: bool = False) -> None:
        rows = len({error.row for error in errors})
        if header:
            message = "The header row has problems, so no row can be trusted; nothing was imported."
        else:
            message = (
                f"{rows:,} row{'s' if rows != 1 else ''} of the file "
                f"{'have' if rows != 1 else 'has'} problems, so nothing was imported."
            )
        super().__init__(message, field="file")
        self.errors = tuple(errors)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do). Counts only, so safe to log."""

    new: int
    updated: int
    rejected: int
    ended_pairs: int
    unknown_columns: tuple[str, ...]
    encoding: str
    status: str
    dry_run: bool
    links_sent: int = 0  # new people whose private link was queued by email (--send-links)
    links_unsendable: int = 0  # new people whose address no mail can reach

    @property
    def total(self) -> int:
        return self.new + self.updated


def check_can_import(semester: Semester, status: str, imported_by: User | None) -> None:
    """The refusals that depend on the semester and the people, not on the file."""
    if semester.is_closed:
        raise DomainError(
            f"Semester {semester.name!r} is closed; nothing can be imported into it any more."
        )
    if status not in IMPORT_STATUSES:
        raise DomainError(
            f"Imported applicants can be {' or '.join(IMPORT_STATUSES)}, not {status!r}.",
            field="status",
        )
    if imported_by is not None and (
        not imported_by.active or imported_by.role not in tuple(UserRole)
    ):
        raise DomainError("Imports are recorded against an active coordinator account.", field="by")


def importer_by_email(email: str) -> User:
    """The account a command-line import is recorded against (imports must name their coordinator)."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active:
        raise DomainError(
            f"No active coordinator account has the email {email.strip()!r}; "
            "create one with `flask users create-coordinator` or name another.",
            field="by",
        )
    return user


def import_applicants(
    semester: Semester,
    file: ApplicantFile,
    *,
    status: str,
    imported_by: User | None,
    notice_version: str,
    actor: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    send_links: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Add the file's applicants to ``semester``, or update those already in it (same role and email).

    All or nothing: with any row error nothing is written (:class:`InvalidRows` lists them all)
    unless ``skip_invalid``, which imports exactly the valid rows. A header error always refuses.
    An update replaces the contract's fields and keeps the person's status, private link and
    consent record; if their times or zone changed, their active pairs end, as when a coordinator
    edits them by hand. ``progress`` is called with the number of rows just written. Flushes,
    never commits; a dry run writes nothing (not even the audit event).
    """
    if not dry_run:
        begin_writing()  # the file is parsed: only now take SQLite's write lock
    check_can_import(semester, status, imported_by)
    if not file.header_ok:
        raise InvalidRows([e for e in file.errors if e.row == 1], header=True)
    if not file.ok and (not skip_invalid or not file.records):
        # Skipping the bad rows of a file that has no good one would import nothing yet be
        # reported (and audited) as an import: refuse it like any other bad file.
        raise InvalidRows(file.errors)
    existing = {
        (applicant.role, applicant.email): applicant
        for applicant in db.session.scalars(
            select(Applicant).where(Applicant.semester_id == semester.id)
        )
    }
    updates = [
        (existing[r.role, r.email], r) for r in file.records if (r.role, r.email) in existing
    ]
    fresh = [r for r in file.records if (r.role, r.email) not in existing]
    moved = {a.id for a, record in updates if _times_changed(a, record)}
    pairs = active_pairs_of(*moved)
    sent = unsendable = 0
    if not dry_run:
        _update(updates, progress)
        _end(pairs, actor)
        added = _add(semester, fresh, status, imported_by, notice_version, progress)
        if send_links:
            sent, unsendable = _send_links(added)
    summary = ImportSummary(
        new=len(fresh),
        updated=len(updates),
        rejected=len(file.rejected),
        ended_pairs=len(pairs),
        unknown_columns=file.unknown_columns,
        encoding=file.encoding,
        status=status,
        dry_run=dry_run,
        links_sent=sent,
        links_unsendable=unsendable,
    )
    if not dry_run:
        record_event(
            "applicants.import",
            actor=actor,
            target=f"semester:{semester.id}",
            detail={
                "new": summary.new,
                "updated": summary.updated,
                "rejected": summary.rejected,
                "ended_pairs": summary.ended_pairs,
                "status": status,
                "encoding": file.encoding,
                "unknown_columns": len(file.unknown_columns),
                # None: run from the command line without --by (the actor says "cli").
                "imported_by": user_actor(imported_by.id) if imported_by else actor,
                "links_sent": summary.links_sent,
            },
        )
    return summary


def _add(
    semester: Semester,
    records: list[ApplicantRecord],
    status: str,
    imported_by: User | None,
    notice_version: str,
    progress: Callable[[int], None] | None,
) -> list[Applicant]:
    now = utcnow()
    taken: set[str] = set()
    added: list[Applicant] = []
    for start in range(0, len(records), CHUNK_ROWS):
        chunk = records[start : start + CHUNK_ROWS]
        applicants = []
        for record in chunk:
            applicant = Applicant(
                public_id=_unused_public_id(record.role, taken),
                semester_id=semester.id,
                status=status,
                consent_source=ConsentSource.IMPORT,
                consented_at=now,
                notice_version=notice_version,
                language=record.page_language,
                imported_by_id=imported_by.id if imported_by else None,
            )
            apply_fields(applicant, record)
            applicants.append(applicant)
        db.session.add_all(applicants)
        db.session.flush()
        added.extend(applicants)
        if progress is not None:
            progress(len(chunk))
    return added


def _send_links(people: list[Applicant]) -> tuple[int, int]:
    """Each new person gets a private link by email; imports send nothing unless asked."""
    sent = unsendable = 0
    for person in people:
        if not is_valid_address(person.email):
            unsendable += 1
            continue
        token, person.edit_token_hash = new_edit_token()
        send_private_link(person, token, MailKind.SIGNUP)
        sent += 1
    return sent, unsendable


def _unused_public_id(role: str, taken: set[str]) -> str:
    """Ids are random; within one batch a repeat is made impossible rather than merely unlikely."""
    while (public_id := new_public_id(role)) in taken:
        pass
    taken.add(public_id)
    return public_id


def _update(
    updates: list[tuple[Applicant, ApplicantRecord]], progress: Callable[[int], None] | None
) -> None:
    for applicant, record in updates:
        apply_fields(applicant, record)
        if record.language is not None:
            applicant.language = record.language
    db.session.flush()
    if progress is not None and updates:
        progress(len(updates))


def _times_changed(applicant: Applicant, record: ApplicantRecord) -> bool:
    return (
        format_windows(record.windows) != applicant.availability
        or record.timezone != applicant.timezone
    )


def _end(pairs: list[Match], actor: str) -> None:
    """Their common time may be gone, so both people are freed, as after a coordinator's edit."""
    for match in pairs:
        end_match(match, TIMES_CHANGED_REASON)
        tell_pair_ended(match, reason=None)
        record_event(
            "match.end", actor=actor, target=match.public_id, detail={"cause": TIMES_CHANGED_REASON}
        )


def describe(summary: ImportSummary) -> list[str]:
    """The summary in plain words, the same on the terminal and the upload page."""
    would = "would be " if summary.dry_run else ""
    lines = [
        f"{summary.new:,} new applicant{'s' if summary.new != 1 else ''} {would}added "
        f"as {summary.status}, {summary.updated:,} already in the semester {would}updated, "
        f"{summary.rejected:,} row{'s' if summary.rejected != 1 else ''} rejected."
    ]
    if summary.updated:
        lines.append("Updated applicants keep their status and private link.")
    if summary.ended_pairs:
        lines.append(
            f"{summary.ended_pairs} active pair{'s' if summary.ended_pairs != 1 else ''} {would}ended "
            "because a person's times or time zone changed; re-run matching for them."
        )
    if summary.unknown_columns:
        lines.append(ignored_columns_line(summary.unknown_columns))
    if summary.encoding == "cp949":
        lines.append(
            'The file was not UTF-8, so it was read as CP949 (Korean Excel\'s "CSV"); '
            "check that the Hangul names look right."
        )
    return lines
