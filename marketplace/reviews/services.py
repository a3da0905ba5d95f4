"""Writing, editing and withdrawing a review, and what the service page shows of them.

Who may write: the order's holder, or a supporter the holder gave the 'plan' scope (the review
says "written on behalf of"), and only once the order is confirmed delivered (or paid out).
Anyone else gets NotFound, so nobody learns which orders exist. One review per order: after
writing it, its author may edit or withdraw it.

What happens on submit: the detectors read the words (critical when 1 or 2 stars); anything
found holds the review for a moderator, with the reasons; 1 and 2 stars with nothing found wait
the short hold (reviews/hold.py: the provider is told and may reply, then the worker publishes
it); otherwise it is published at once. The rules on the answers (check_details) are the same
for the pages and the API.
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
from marketplace.reviews.hold import end_short_hold, start_short_hold
from marketplace.reviews.models import HELPED_ANSWERS, MAX_TEXT, SHOWN_AS, Review
from marketplace.reviews.rating import refresh_rating
from marketplace.times import utcnow

REVIEWABLE_STATES = ("confirmed", "paid_out")
#: A provider with this many clients or fewer may guess who wrote a review.
FEW_CLIENTS = 3
#: Orders that never went ahead do not make someone a client.
NOT_CLIENT_STATES = ("declined", "cancelled", "awaiting_payment", "awaiting_approval")
LOW_STARS = 2


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


def check_details(details: ReviewDetails) -> None:
    """The answers' rules, in the words the form shows beside each field."""
    if isinstance(details.stars, bool) or details.stars not in range(1, 6):
        raise DomainError("Choose from 1 to 5 stars", field="stars")
    if details.helped not in HELPED_ANSWERS:
        raise DomainError("Choose yes, partly or no", field="helped")
    if not isinstance(details.text, str) or not details.text.strip():
        raise DomainError("Write a few sentences about it", field="text")
    if len(details.text) > MAX_TEXT:
        raise DomainError(f"Use {MAX_TEXT} characters or fewer", field="text")
    if details.shown_as not in SHOWN_AS:
        raise DomainError("Choose how your review is shown", field="shown_as")


def submit_review(actor: User, order: Order, details: ReviewDetails) -> Outcome:
    """Write the order's review, or edit it; checked, then held or published."""
    check_details(details)
    review = review_of(order.id)
    if review is not None and review.state not in ("held", "published"):
        raise ReviewClosed("This review was withdrawn or rejected, so it cannot be changed.")
    was_published = review is not None and review.state == "published"
    critical = details.stars <= LOW_STARS
    findings = detectors.check(details.text, critical=critical, staff_names=_staff_names(order))
    reasons = [finding.reason for finding in findings]
    if review is None:
        review = Review(order_id=order.id, service_id=order.service_id,
                        provider_id=order.provider_id, holder_id=order.holder_id,
                        outcome_id=order.outcome_id)
    review.written_by_id = actor.id
    review.stars, review.helped = details.stars, details.helped
    review.text, review.shown_as = details.text, details.shown_as
    review.held_reasons = reasons
    db.session.add(review)
    if reasons:  # a moderator decides, whatever the stars
        end_short_hold(review)
        review.state, review.published_at = "held", None
    elif critical:
        review.state, review.published_at = "held", None
        db.session.flush()  # the hold's message names the service
        start_short_hold(review)
    else:
        end_short_hold(review)
        review.state = "published"
        review.published_at = review.published_at or utcnow()
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
    end_short_hold(review)
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
    #: The sum of their stars (a provider's rating is worked out from it and count).
    stars_total: int = 0


def service_reviews(service_id: int, *, newest: int = 10, skip: int = 0) -> ServiceReviews:
    """The service's published reviews, newest first: ``newest`` of them after ``skip``."""
    return _published(Review.service_id == service_id, newest=newest, skip=skip)


def provider_reviews(provider_id: int, *, newest: int = 5) -> ServiceReviews:
    """The published reviews of all the provider's services, newest first."""
    return _published(Review.provider_id == provider_id, newest=newest, skip=0)


def _published(whose, *, newest: int, skip: int) -> ServiceReviews:
    published = whose & (Review.state == "published")
    count, helped, stars = db.session.execute(sa.select(
        sa.func.count(Review.id),
        sa.func.coalesce(sa.func.sum(sa.case((Review.helped == "yes", 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(Review.stars), 0),
    ).where(published)).one()
    reviews = db.session.scalars(sa.select(Review).where(published).order_by(
        Review.published_at.desc(), Review.id.desc()).offset(skip).limit(newest)).all()
    percent = None if not count else (200 * helped + count) // (2 * count)
    return ServiceReviews(list(reviews), count, percent, int(stars))
