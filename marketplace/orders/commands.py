"""Command-line jobs for orders. The worker runs auto-confirm-orders every 15 minutes (see
orders/jobs.py); `flask auto-confirm-orders` does the same by hand or from cron. Safe to run at
any time and more than once, since each order changes state by compare-and-set. The emails it
queues are sent by the worker."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.extensions import db
from marketplace.orders.services import auto_confirm_due_orders


@click.command("auto-confirm-orders")
@with_appcontext
def auto_confirm_command() -> None:
    """Confirm delivered orders nobody confirmed or disputed in time; the providers get paid."""
    confirmed = auto_confirm_due_orders()
    db.session.commit()
    click.echo(f"Confirmed {confirmed} order{'' if confirmed == 1 else 's'} automatically.")
