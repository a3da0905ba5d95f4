"""Scheduled jobs of the reviews area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.reviews.hold import publish_due_holds
from marketplace.reviews.reminders import send_due_reminders


@scheduled_job("review-hold-ends", Every(minutes=15))
def review_hold_ends(context: JobContext) -> str:
    """Publishes 1 and 2 star reviews whose short hold is over, and works their service's
    rating out again. Running it twice changes nothing the second time: a review moves only
    by compare-and-set from held with a hold_until that has passed."""
    return f"{publish_due_holds()} reviews published after their short hold."


@scheduled_job("review-reminders", Every(hours=1))
def review_reminders(context: JobContext) -> str:
    """Reminds holders, REVIEW_REMINDER_DAYS after an order was confirmed delivered, to
    review it. Running it twice is harmless: each reminder is sent only by the transaction
    whose insert of the order's review_reminders row went in, so a holder is reminded about
    an order once, whichever worker or retry runs first."""
    sent = send_due_reminders()
    return f"Sent {sent} review reminder{'' if sent == 1 else 's'}."
