"""Command-line jobs for commissioning. Run `flask pay-instalments` daily (cron or a
scheduler): it is safe to run more than once a day, since each instalment is paid in once."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.budgets.services import pay_due_instalments
from marketplace.extensions import db
from marketplace.times import london_today


@click.command("pay-instalments")
@with_appcontext
def pay_instalments_command() -> None:
    """Pay into budgets every instalment due today or earlier that has not been paid in."""
    paid = pay_due_instalments(london_today())
    db.session.commit()
    click.echo(f"Paid in {paid} instalment{'' if paid == 1 else 's'}.")
