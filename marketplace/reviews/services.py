"""Writing, editing and withdrawing a review, and what the service page shows of them.

Who may write: the order's holder, or a supporter the holder gave the 'plan' scope (the review
says "written on behalf of"), and only once the order is confirmed delivered (or paid out).
Anyone else gets NotFound, so nobody learns which orders exist. One review per order: after
writing it, its author may edit or withdraw it.

What happens on submit: the detectors read the words (critical when 1 or 2 stars); anything
found holds the review for a moderator, with the reasons; 1 and 2 stars are held too (the
provider's chance to reply comes with issue 9's next slice); otherwise it is published at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews import detectors
from marketplace.reviews.models import Review
from marketplace.reviews.rating import refresh_rating
from marketplace.times import utcnow

REVIEWABLE_STATES = ("confirmed", "paid_out")
#: A provider with this many clients or fewer may guess who wrote a review.
FEW_CLIENTS = 3
#: Orders that never went ahead do not make someone a client.
NOT_CLIENT_STATES = ("declined", "cancelled", "awaiting_payment", "awaiting_approval")
LOW_STARS = 2
LOW_STARS_REASON = "1 or 2 stars: checked by a person before it shows"


class ReviewClosed(DomainError):
    status = 409
    code = "review_closed"


@dataclass(frozen=True)
class ReviewDetails:
    stars: int
    helped: str
    text: str
    shown_as: str


@dataclass(frozen=True)
class Outcome:
    """What submitting did: the review, and whether its author must be shown help now."""
    review: Review
    show_safeguarding_help: bool


def may_write_for(user: User, order: Order) -> bool:
    if user.role == "holder":
        return user.id == order.holder_id
    return user.role == "supporter" and consent.may_act_for(user, order.holder_id, "plan")


def review_of(order_id: int) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.order_id == order_id))


def is_reviewable(order: Order) -> bool:
    return order.state in REVIEWABLE_STATES


def reviewable_order(user: User, order_id: int) -> Order:
    """The order this user may review (or edit the review of); NotFound for anyone else."""
    order = db.session.get(Order, order_id)
    if order is None or not may_write_for(user, order) or not is_reviewable(order):
        raise NotFound("We could not find an order of yours to review.")
    return order


def may_review(user, order: Order) -> bool:
    """For "Review this" links: the order is open to review by this user."""
    return (getattr(user, "is_authenticated", False) and is_reviewable(order)
            and may_write_for(user, order))


def provider_has_few_clients(provider_id: int) -> bool:
    clients = db.session.scalar(sa.select(sa.func.count(sa.distinct(Order.holder_id))).where(
        Order.provider_id == provider_id, Order.state.not_in(NOT_CLIENT_STATES)))
    return clients <= FEW_CLIENTS


def _staff_names(order: Order) -> list[str]:
    provider = order.provider
    return [name for name in (provider.contact_name, provider.owner.display_name) if name]


def submit_review(actor: User, order: Order, details: ReviewDetails) -> Outcome:
    """Write the order's review, or edit it; checked, then held or published."""
    review = review_of(order.id)
    if review is not None and review.state not in ("held", "published"):
        raise ReviewClosed("This review was withdrawn or rejected, so it cannot be changed.")
    was_published = review is not None and review.state == "published"
    critical = details.stars <= LOW_STARS
    findings = detectors.check(details.text, critical=critical, staff_names=_staff_names(order))
    reasons = [finding.reason for finding in findings]
    if critical:
        reasons.append(LOW_STARS_REASON)
    if review is None:
        review = Review(order_id=order.id, service_id=order.service_id,
                        provider_id=order.provider_id, holder_id=order.holder_id,
                        outcome_id=order.outcome_id)
    review.written_by_id = actor.id
    review.stars, review.helped = details.stars, details.helped
    review.text, review.shown_as = details.text, details.shown_as
    review.held_reasons = reasons
    if reasons:
        review.state, review.published_at = "held", None
    else:
        review.state = "published"
        review.published_at = review.published_at or utcnow()
    db.session.add(review)
    db.session.flush()
    if was_published or review.state == "published":
        refresh_rating(order.service_id)
    return Outcome(review, findings.safeguarding)


def withdraw_review(order: Order) -> Review:
    review = review_of(order.id)
    if review is None or review.state not in ("held", "published"):
        raise ReviewClosed("There is no review of this order to withdraw.")
    was_published = review.state == "published"
    review.state = "withdrawn"
    db.session.flush()
    if was_published:
        refresh_rating(order.service_id)
    return review


@dataclass(frozen=True)
class ServiceReviews:
    newest: list[Review]
    count: int
    #: Share of published reviews whose author said it helped ("yes"), 0-100; None if none.
    helped_percent: int | None


def service_reviews(service_id: int, *, newest: int = 10) -> ServiceReviews:
    published = (Review.service_id == service_id) & (Review.state == "published")
    count, helped = db.session.execute(sa.select(
        sa.func.count(Review.id),
        sa.func.coalesce(sa.func.sum(sa.case((Review.helped == "yes", 1), else_=0)), 0),
    ).where(published)).one()
    reviews = db.session.scalars(sa.select(Review).where(published).order_by(
        Review.published_at.desc(), Review.id.desc()).limit(newest)).all()
    percent = None if not count else (200 * helped + count) // (2 * count)
    return ServiceReviews(list(reviews), count, percent)
