"""Command-line commands: `flask --app wsgi <command>`. Each area adds its own here."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from marketplace.accounts.commands import create_commissioner_command
    from marketplace.commissioning.commands import pay_instalments_command
    from marketplace.demo.commands import seed_demo_command
    from marketplace.jobs.commands import jobs_command, worker_command
    from marketplace.ledger.commands import check_ledger_command
    from marketplace.orders.commands import auto_confirm_command
    from marketplace.payments.commands import localstripe_command, reconcile_command
    from marketplace.search.commands import reindex_command

    app.cli.add_command(create_commissioner_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(pay_instalments_command)
    app.cli.add_command(reconcile_command)
    app.cli.add_command(auto_confirm_command)
    app.cli.add_command(localstripe_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_command)
    app.cli.add_command(check_ledger_command)
