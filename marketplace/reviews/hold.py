"""The short hold for 1 and 2 star reviews (docs/reviews.md): a low score with nothing else
found waits REVIEW_LOW_STARS_HOLD_DAYS London days before it shows. The provider is told at
once and may reply, so its reply shows with the review; the worker's `review-hold-ends` job
then publishes it and works the rating out again.

A low score with anything the detectors found still waits for a moderator (no hold_until).
Publishing moves each review by a compare-and-set on (state, hold_until), and the worker
commits the job's effect with its run, so two workers (or a retry) publish it and tell its
author once."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.reviews.models import Review
from marketplace.reviews.rating import refresh_rating
from marketplace.times import format_date, london_days_later, utcnow


def hold_days() -> int:
    return current_app.config["REVIEW_LOW_STARS_HOLD_DAYS"]


def start_short_hold(review: Review) -> None:
    """Hold a low-score review for the provider's chance to reply. An edit during the hold
    keeps its end; the provider is told when a hold starts."""
    review.state, review.published_at = "held", None
    if review.hold_until is not None:
        return
    review.hold_until = london_days_later(utcnow(), hold_days())
    owner = review.provider.owner
    notify(owner, f"Someone gave {review.service.title} {review.stars} out of 5. Their review "
           f"shows on the service's page on {format_date(review.hold_until)}. You can reply "
           "before then, and your reply will show with it.", link="/provider/reviews",
           email_subject="A low-score review: you can reply before it shows")


def end_short_hold(review: Review) -> None:
    review.hold_until = None


def publish_due_holds() -> int:
    """Publish every review whose short hold is over. Returns how many. Flushes; the worker
    commits this with the job's run, so it happens once (docs/worker.md)."""
    now = utcnow()
    due = db.session.scalars(sa.select(Review.id).where(
        Review.state == "held", Review.hold_until.is_not(None), Review.hold_until <= now)
        .order_by(Review.id)).all()
    published = 0
    for review_id in due:
        changed = db.session.execute(
            sa.update(Review).where(Review.id == review_id, Review.state == "held",
                                    Review.hold_until.is_not(None), Review.hold_until <= now)
            .values(state="published", published_at=now, updated_at=now),
            execution_options={"synchronize_session": False}).rowcount
        if changed != 1:
            continue  # withdrawn, edited or published by someone else meanwhile
        review = db.session.get(Review, review_id)
        db.session.refresh(review)
        refresh_rating(review.service_id)
        notify(review.written_by, f"Your review of {review.service.title} now shows on the "
               "service's page.", link=f"/orders/{review.order_id}/review",
               email_subject="Your review now shows")
        published += 1
    db.session.flush()
    return published
