"""The moderators' queue: held reviews, oldest first, published or rejected by a person.

Moderators are commissioners and the people they appoint (reviews/moderators.py). Every
decision is a ReviewAction row: who, when and why. A rejection must say why, in words the
author reads on their review page; a safeguarding review is only ever decided here, by a person.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewAction
from marketplace.reviews.rating import refresh_rating
from marketplace.times import utcnow

MODERATOR_ROLES = ("commissioner", "moderator")
#: The actions that decide the review itself (not a report of it, nor its reply).
REVIEW_DECISIONS = ("publish", "reject", "remove")


class AlreadyDecided(DomainError):
    status = 409
    code = "already_decided"


def held_reviews() -> list[Review]:
    # A review on the short hold for 1 or 2 stars (hold_until) waits for the worker instead.
    return list(db.session.scalars(sa.select(Review).where(
        Review.state == "held", Review.hold_until.is_(None))
        .order_by(Review.updated_at, Review.id)))


def held_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound("We could not find that review.")
    if review.state != "held":
        raise AlreadyDecided("This review is no longer waiting: someone has already decided, "
                             "or its author withdrew it.")
    return review


def publish(moderator: User, review_id: int, note: str = "") -> Review:
    review = held_review(review_id)
    review.state, review.published_at, review.hold_until = "published", utcnow(), None
    _record(moderator, review, "publish", note)
    refresh_rating(review.service_id)
    return review


def reject(moderator: User, review_id: int, reason: str) -> Review:
    if not reason.strip():
        raise DomainError("Say why, in words the author will read", field="reason")
    review = held_review(review_id)
    review.state = "rejected"
    _record(moderator, review, "reject", reason.strip())
    return review


def _record(moderator: User, review: Review, action: str, reason: str) -> None:
    db.session.add(ReviewAction(review_id=review.id, actor_id=moderator.id, action=action,
                                reason=reason))
    db.session.flush()


#: For the other kinds of decision (reports.py, replies.py): one way of recording them.
record = _record


def last_decision(review: Review) -> ReviewAction | None:
    return db.session.scalar(sa.select(ReviewAction).where(
        ReviewAction.review_id == review.id, ReviewAction.action.in_(REVIEW_DECISIONS))
                             .order_by(ReviewAction.id.desc()).limit(1))
