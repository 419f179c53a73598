"""The `flask match` command group: previewing, proposing and confirming pairs."""

from flask.cli import AppGroup

match_cli = AppGroup("match", help="Preview, propose and confirm student–tutor pairs.")
