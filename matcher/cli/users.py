"""`flask users …`: coordinator and admin accounts (the first admin comes from here)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from matcher.cli import one_transaction
from matcher.services.accounts.signin import unlock_account
from matcher.services.accounts.users import create_user
from matcher.services.audit import CLI_ACTOR

users_cli = AppGroup("users", help="Manage coordinator accounts.")


@users_cli.command("create-coordinator")
@click.argument("email")
@click.option("--name", required=True, help="How the account is shown; a pseudonym is fine.")
@click.option("--admin", is_flag=True, help="Make an admin, who can manage other coordinators.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--temporary/--own-password",
    default=True,
    show_default=True,
    help=(
        "--temporary: you are choosing the password for someone else, so the account must "
        "replace it with its own at its first sign-in before any dashboard page opens. "
        "--own-password: the account is yours (or the person typed the password themself); "
        "keep it."
    ),
)
def create_coordinator(
    email: str, name: str, admin: bool, password_stdin: bool, temporary: bool
) -> None:
    """Create a coordinator account that signs in with EMAIL.

    The password is temporary by default: whoever ran this command knows it, so the new
    account is asked to choose its own at its first sign-in. Pass --own-password when
    creating your own account.
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with one_transaction():
        user = create_user(email, name, password, admin=admin, actor=CLI_ACTOR, temporary=temporary)
    click.echo(f"Created {user.role} account {user.email} (id {user.id}).")
    if temporary:
        click.echo("The password is temporary: it must be changed at the first sign-in.")


@users_cli.command("unlock")
@click.argument("email")
def unlock(email: str) -> None:
    """Lift every sign-in lock on the account EMAIL (all client addresses).

    A lock only holds against the addresses that failed, so the owner can normally sign in
    from elsewhere; this is for the owner whose own address was locked (a mistyped password
    five times, or everyone behind one office proxy).
    """
    with one_transaction():
        lifted = unlock_account(email, actor=CLI_ACTOR)
    click.echo(f"Lifted {lifted} sign-in lock(s) on {email.strip().lower()}.")
