"""Scheduled jobs of the reviews area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.reviews.reminders import send_due_reminders


@scheduled_job("review-reminders", Every(hours=1))
def review_reminders(context: JobContext) -> str:
    """Reminds holders, REVIEW_REMINDER_DAYS after an order was confirmed delivered, to
    review it. Running it twice is harmless: each reminder is sent only by the transaction
    whose insert of the order's review_reminders row went in, so a holder is reminded about
    an order once, whichever worker or retry runs first."""
    sent = send_due_reminders()
    return f"Sent {sent} review reminder{'' if sent == 1 else 's'}."
