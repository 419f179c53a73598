"""`flask match propose` and `match confirm`: store the engine's plan for a semester, then confirm it."""

from __future__ import annotations

import click

from matcher.cli import one_transaction
from matcher.cli.match import match_cli
from matcher.database import read_first
from matcher.domain import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from matcher.services.audit import CLI_ACTOR
from matcher.services.errors import DomainError
from matcher.services.pairs.actions import confirm_all, confirm_pairs, get_pair
from matcher.services.pairs.matching import run_matching
from matcher.services.semesters.stages import get_semester


@match_cli.command("propose")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "--session-minutes",
    type=click.IntRange(MIN_SESSION_MINUTES, MAX_SESSION_MINUTES),
    default=None,
    help="Session length for this run (default: the semester's).",
)
def propose(semester_name: str, session_minutes: int | None) -> None:
    """Propose pairs for SEMESTER, keeping locked and confirmed pairs and exclusions."""
    read_first()  # solve without SQLite's write lock; the service takes it to store the plan
    with one_transaction():
        outcome = run_matching(
            get_semester(semester_name),
            actor=CLI_ACTOR,
            session_minutes=session_minutes,
            run_from="cli",
        )
    plan, stats = outcome.plan, outcome.plan.statistics
    click.echo(
        f"Matched {stats.matched} of {stats.students} students "
        f"(the most possible: {stats.max_possible}); {stats.locked} locked or confirmed kept."
    )
    unmatched_students = [p for p in plan.unmatched if p.role == "student"]
    unmatched_tutors = [p for p in plan.unmatched if p.role == "tutor"]
    click.echo(
        f"Unmatched: {len(unmatched_students)} students, {len(unmatched_tutors)} tutors. "
        f"Total score {stats.total_quality:.2f}."
    )
    if plan.diff is not None:
        diff = plan.diff
        click.echo(
            f"Compared with the pairs before this run: {len(diff.kept)} kept, "
            f"{len(diff.changed)} changed, {len(diff.new)} new, {len(diff.dropped)} dropped."
        )
    for person in unmatched_students:
        click.echo(f"  {person.person_id}: {person.text}")
    click.echo(f"Run {outcome.run.id if outcome.run else '-'} saved.")


@match_cli.command("confirm")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "--all", "confirm_everything", is_flag=True, help="Confirm every proposed or locked pair."
)
@click.option(
    "--id", "pair_ids", multiple=True, metavar="PAIR_ID", help="A pair id (P-…); repeatable."
)
def confirm(semester_name: str, confirm_everything: bool, pair_ids: tuple[str, ...]) -> None:
    """Confirm pairs of SEMESTER: all proposed and locked ones, or those named with --id."""
    if confirm_everything == bool(pair_ids):
        raise click.UsageError("Give either --all or one or more --id PAIR_ID (not both).")
    with one_transaction():
        semester = get_semester(semester_name)
        if confirm_everything:
            count = confirm_all(semester, actor=CLI_ACTOR)
        else:
            for pair_id in pair_ids:
                if get_pair(pair_id.strip().upper()).semester_id != semester.id:
                    raise DomainError(f"Pair {pair_id} is not in semester {semester.name!r}.")
            count = confirm_pairs(
                [(pair_id.strip().upper(), None) for pair_id in pair_ids], actor=CLI_ACTOR
            )
    click.echo(f"Confirmed {count} pair{'s' if count != 1 else ''} in {semester.name!r}.")
