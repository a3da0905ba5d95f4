"""`flask check-ledger`: recompute the ledger's figures from its lines and say what disagrees.
The worker runs the same check daily (ledger/jobs.py). Read only, so safe at any time."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.ledger.checks import check_ledger


@click.command("check-ledger")
@with_appcontext
def check_ledger_command() -> None:
    """Check every cached balance, transaction and budget against the ledger lines; exit 1 on
    any problem."""
    check = check_ledger()
    db.session.rollback()
    if check.ok:
        click.echo(check.summary)
        return
    count = len(check.problems)
    click.echo(f"{count} problem{'' if count == 1 else 's'} in the ledger:")
    for problem in check.problems:
        click.echo(f"- {problem}")
    raise SystemExit(1)
