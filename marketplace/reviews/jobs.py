"""Scheduled jobs of reviews, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.jobs import Every, JobContext, scheduled_job
from marketplace.reviews.hold import publish_due_holds


@scheduled_job("review-hold-ends", Every(minutes=15))
def review_hold_ends(context: JobContext) -> str:
    """Publishes 1 and 2 star reviews whose short hold is over, and works their service's
    rating out again. Running it twice changes nothing the second time: a review moves only
    by compare-and-set from held with a hold_until that has passed."""
    return f"{publish_due_holds()} reviews published after their short hold."
