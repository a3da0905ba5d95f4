"""Scheduled jobs of the needs board, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.needs.expiry import expire_due_needs


@scheduled_job("need-expiry", Every(hours=1))
def need_expiry(context: JobContext) -> str:
    """Closes needs that have been on the board for NEED_OPEN_DAYS days, telling each holder
    and each provider whose quote was waiting. Running it twice changes nothing the second
    time: a need moves only by compare-and-set from open."""
    return f"{expire_due_needs()} needs closed after their time on the board."
