"""Scheduled jobs of the orders area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.orders.services import auto_confirm_due_orders


@scheduled_job("auto-confirm-orders", Every(minutes=15))
def auto_confirm_orders(context: JobContext) -> str:
    """Confirms delivered orders whose holder did nothing within the organisation's days, so
    the provider is owed the money; everyone involved is told by email.

    Running it twice is harmless: an order changes state only by compare-and-set from
    "delivered", so an order already confirmed (by this job, its holder or a retry after a
    crash) is left alone, and its emails are queued in the same transaction as the change.
    """
    confirmed = auto_confirm_due_orders()
    return f"Confirmed {confirmed} order{'' if confirmed == 1 else 's'} automatically."
