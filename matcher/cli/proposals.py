"""`flask match propose`: run the engine on a semester's approved applicants and store the plan."""

from __future__ import annotations

import click

from matcher.cli import one_transaction
from matcher.cli.match import match_cli
from matcher.services.audit import CLI_ACTOR
from matcher.services.matching import run_matching
from matcher.services.semesters import get_semester


@match_cli.command("propose")
@click.option("--semester", "semester_name", required=True, help="The semester's name.")
@click.option(
    "--session-minutes",
    type=click.IntRange(15, 240),
    default=None,
    help="Session length for this run (default: the semester's).",
)
def propose(semester_name: str, session_minutes: int | None) -> None:
    """Propose pairs for SEMESTER, keeping locked and confirmed pairs and exclusions."""
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
