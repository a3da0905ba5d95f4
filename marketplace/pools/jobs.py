"""Scheduled jobs of the pools area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.pools.funding import close_due_pools


@scheduled_job("pool-deadlines", Every(minutes=5))
def pool_deadlines(context: JobContext) -> str:
    """Closes pools whose deadline (or time to refill) has passed: each goes ahead if every
    share is secured, or is released in full with every member told.

    Running it twice is harmless: a pool moves only by compare-and-set on its state, and each
    release and share order is keyed on the member row, so a pool already closed (by this job,
    a retry after a crash, or a last pledge) is left alone.
    """
    counts = close_due_pools()
    return (f"{counts['funded']} funded, {counts['expired']} expired, "
            f"{counts['collecting']} started collecting.")
