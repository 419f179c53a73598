"""The `flask match` command group: previewing, proposing and confirming pairs."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.applicant_file import (
    ApplicantFile,
    ApplicantFileError,
    ApplicantRecord,
    FileLimits,
    first_problems,
    ignored_columns_line,
    person_ids,
    read_applicant_path,
    to_people,
)
from matcher.cli import iso_date, max_rows_option
from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from matcher.exports import write_csv
from matcher.matching import MatchingProblem, Plan, Unmatched, propose_matches

match_cli = AppGroup("match", help="Preview, propose and confirm student–tutor pairs.")

# The same bounds as a semester's session length, so any semester can be previewed.
# A preview covers one semester; a longer span is almost always a typo in a year.
MAX_SPAN_DAYS = 366

PAIR_COLUMNS = (
    "student_email",
    "tutor_email",
    "student_name",
    "tutor_name",
    "score",
    "windows_seoul",
    "windows_student_local",
    "windows_tutor_local",
)
EXTRA_COLUMNS = ("student_id", "tutor_id", "shared_goals", "breakdown")


@match_cli.command("preview")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option(
    "--start",
    required=True,
    metavar="YYYY-MM-DD",
    callback=iso_date,
    help="First day (Seoul date), YYYY-MM-DD.",
)
@click.option(
    "--end",
    required=True,
    metavar="YYYY-MM-DD",
    callback=iso_date,
    help=f"Last day (Seoul date), YYYY-MM-DD; at most {MAX_SPAN_DAYS} days after --start.",
)
@click.option(
    "--session-minutes",
    type=click.IntRange(MIN_SESSION_MINUTES, MAX_SESSION_MINUTES),
    default=60,
    show_default=True,
    help=f"Length of one weekly session, {MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES} minutes.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the pairs CSV here (the summary then goes to the terminal). "
    "Without it the CSV goes to standard output and the summary to standard error.",
)
@max_rows_option
def preview(
    file: Path,
    start: date,
    end: date,
    session_minutes: int,
    output: Path | None,
    max_rows: int | None,
) -> None:
    """Try matching the applicants in FILE (.csv or .xlsx) without touching the database.

    Every row is checked first; if any is wrong, all problems are listed by row and column and
    nothing is matched. Otherwise the proposed pairs are written as CSV and a summary is shown.
    """
    _check_dates(start, end)
    if output is not None and output.resolve() == file.resolve():
        raise click.BadParameter("would overwrite the applicants file itself.", param_hint="-o")
    to_terminal = output is not None
    applicants = _read(file, max_rows)
    _report_file(file, applicants, to_terminal)
    students, tutors = to_people(applicants.records)
    problem = MatchingProblem(
        students=students,
        tutors=tutors,
        first_day=start,
        last_day=end,
        session_minutes=session_minutes,
    )
    plan = propose_matches(problem)
    records = _records_by_id(applicants.records)
    with _pairs_stream(output) as stream:
        write_csv([*PAIR_COLUMNS, *EXTRA_COLUMNS], _pair_rows(plan, records), stream)
    _report_plan(plan, records, output, to_terminal)


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise click.BadParameter(
            f"the last day ({end}) is before the first day ({start}).", param_hint="--end"
        )
    if (end - start).days > MAX_SPAN_DAYS:
        raise click.BadParameter(
            f"{(end - start).days} days after --start; a preview covers at most "
            f"{MAX_SPAN_DAYS} days (one semester).",
            param_hint="--end",
        )


def _read(file: Path, max_rows: int | None) -> ApplicantFile:
    """Read and validate; any bad row stops the preview with the first problems listed."""
    limits = FileLimits.from_config(current_app.config, max_rows=max_rows)
    try:
        applicants = read_applicant_path(file, limits=limits)
    except ApplicantFileError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    if applicants.errors:
        if applicants.unknown_columns:
            click.echo(f"{file.name}: {ignored_columns_line(applicants.unknown_columns)}", err=True)
        for line in first_problems(applicants.errors):
            click.echo(f"{file.name}: {line}", err=True)
        rows = {error.row for error in applicants.errors}
        raise click.ClickException(
            f"{_count(len(applicants.errors), 'problem')} in {_count(len(rows), 'row')}; "
            "nothing was matched. Fix the file and run the preview again."
        )
    return applicants


def _report_file(file: Path, applicants: ApplicantFile, to_terminal: bool) -> None:
    say = _summary(to_terminal)
    students = sum(1 for r in applicants.records if r.role == "student")
    tutors = len(applicants.records) - students
    say(f"Read {file.name}: {_count(students, 'student')} and {_count(tutors, 'tutor')}.")
    if applicants.encoding == "cp949":
        say("The file was read as Korean Windows text (CP949); saving it as CSV UTF-8 is safer.")
    if applicants.unknown_columns:
        say(ignored_columns_line(applicants.unknown_columns))


def _records_by_id(records: Sequence[ApplicantRecord]) -> dict[str, ApplicantRecord]:
    ids = person_ids(records)
    return {ids[record.row]: record for record in records}


def _pair_rows(plan: Plan, records: dict[str, ApplicantRecord]) -> Iterator[list[object]]:
    for pair in plan.pairs:
        student, tutor = records[pair.student_id], records[pair.tutor_id]
        yield [
            student.email,
            tutor.email,
            student.display_name,
            tutor.display_name,
            f"{pair.score:.2f}",
            pair.windows_seoul,
            pair.windows_student_local,
            pair.windows_tutor_local,
            pair.student_id,
            pair.tutor_id,
            ";".join(pair.shared_goals),
            "; ".join(f"{name} {value:.2f}" for name, value in pair.breakdown.items() if value),
        ]


@contextmanager
def _pairs_stream(output: Path | None) -> Iterator[TextIO]:
    if output is not None:
        try:
            with output.open("w", encoding="utf-8", newline="") as stream:
                yield stream
        except OSError as exc:
            raise click.ClickException(f"Cannot write {output}: {exc.strerror}.") from None
        return
    # Standard output in UTF-8 whatever the terminal's locale, so Hangul survives redirection.
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()


def _report_plan(
    plan: Plan, records: dict[str, ApplicantRecord], output: Path | None, to_terminal: bool
) -> None:
    say = _summary(to_terminal)
    stats = plan.statistics
    say(
        f"Matched {stats.matched} of {_count(stats.students, 'student')} "
        f"(total score {stats.total_quality:.2f})."
    )
    students = [u for u in plan.unmatched if u.role == "student"]
    tutors = [u for u in plan.unmatched if u.role == "tutor"]
    say(f"Unmatched: {_count(len(students), 'student')}, {_count(len(tutors), 'tutor')}.")
    for person in students:
        record = records[person.person_id]
        say(f"  {person.person_id} (row {record.row}, {record.display_name}): {_reason(person)}")
    if output is not None:
        say(f"Wrote {_count(len(plan.pairs), 'pair')} to {output}.")


def _reason(person: Unmatched) -> str:
    """The engine's reason in words, then how many tutors fit and what would help."""
    parts = [person.text.rstrip(".") + "."]
    if person.detail:
        parts.append(person.detail.rstrip(".") + ".")
    parts.append(f"Tutors who fit: {person.feasible_count}.")
    aid = person.help
    if aid is not None:
        if aid.tutors_with_45_minutes > person.feasible_count:
            parts.append(f"With 45-minute sessions: {aid.tutors_with_45_minutes} would fit.")
        if aid.extra_hour_seoul and aid.tutors_opened_by_extra_hour:
            parts.append(
                f"Being free also {aid.extra_hour_seoul} (Seoul time) would open "
                f"{_count(aid.tutors_opened_by_extra_hour, 'more tutor')}."
            )
    return " ".join(parts)


def _summary(to_terminal: bool) -> Callable[[str], None]:
    """The summary goes to the terminal when the CSV has a file, else beside it on stderr."""

    def say(text: str) -> None:
        click.echo(text, err=not to_terminal)

    return say


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
