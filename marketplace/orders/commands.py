"""Command-line jobs for orders. Run `flask auto-confirm-orders` every hour or so (cron or a
scheduler): it confirms delivered orders whose waiting time has passed. Safe to run at any
time and more than once, since each order changes state by compare-and-set."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.notifications.services import deliver_queued_emails
from marketplace.orders.services import auto_confirm_due_orders


@click.command("auto-confirm-orders")
@with_appcontext
def auto_confirm_command() -> None:
    """Confirm delivered orders nobody confirmed or disputed in time; the providers get paid."""
    confirmed = auto_confirm_due_orders()
    db.session.commit()
    deliver_queued_emails()
    click.echo(f"Confirmed {confirmed} order{'' if confirmed == 1 else 's'} automatically.")
