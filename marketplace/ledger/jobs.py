"""Scheduled jobs of the ledger, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import DailyAt, JobContext, scheduled_job
from marketplace.ledger.checks import LedgerDisagrees, check_ledger


@scheduled_job("check-ledger", DailyAt(hour=4))
def check_ledger_daily(context: JobContext) -> str:
    """Checks every cached balance, transaction and budget against the ledger lines (what
    `flask check-ledger` prints).

    Any disagreement fails the run, with the plain-words summary as its error, so the operator
    page lists it among the failures (the worker tries again with backoff, which is harmless:
    the check only reads). Running it twice is harmless for the same reason.
    """
    check = check_ledger()
    if not check.ok:
        raise LedgerDisagrees(check.summary)
    return check.summary
