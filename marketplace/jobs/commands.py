"""`flask worker` (the worker process) and `flask jobs` (what it has been doing)."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from marketplace.jobs import catalogue, status
from marketplace.jobs.worker import Worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Do one pass (due jobs, email, node tasks) and exit.")
@click.option("--poll-seconds", type=float, default=None,
              help="Seconds between passes (default WORKER_POLL_SECONDS, 5).")
@with_appcontext
def worker_command(once: bool, poll_seconds: float | None) -> None:
    """Run scheduled jobs, deliver queued email and keep this node's tasks going, until
    stopped with Ctrl-C or SIGTERM. Run one or more on every node."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
        )
    worker = Worker(current_app._get_current_object(), catalogue.load(),
                    poll_seconds=poll_seconds)
    if once:
        worker.run_once()
    else:
        worker.run_forever()


@click.command("jobs")
@with_appcontext
def jobs_command() -> None:
    """List each scheduled job: its schedule, last run, result, next run and any failure
    (times in London time)."""
    statuses = status.job_statuses()
    rows = [("Job", "Schedule", "Last run", "Result", "Next run")] + [
        (job.name, job.schedule, job.last_run_text, job.outcome_text or "-", job.next_run_text)
        for job in statuses
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for job in statuses:
        if job.failure:
            click.echo(f"{job.name} failed: {job.failure}")
    counts = status.email_counts()
    click.echo(f"Email: {counts['queued'] + counts['sending']} waiting to be sent, "
               f"{counts['failed']} failed.")
