"""Reports of a published review, and a moderator's answer (docs/reviews.md).

Anyone logged in may report a published review once, with a reason from REPORT_REASONS and a
few words. The review stays published: a report, and above all a provider's report of a review
of its own service, never hides a review by itself. Reviews with open reports wait in the
"reported" part of the moderators' queue, where a moderator either keeps the review (every
open report on it is dismissed, action "keep") or removes it (it becomes rejected, with a
reason its author reads, action "remove"; the rating is worked out again). A provider sees
the reports on reviews of its own services, never who made them.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.reviews import moderation
from marketplace.reviews.models import (
    MAX_REPORT_WORDS,
    REPORT_REASONS,
    Review,
    ReviewReport,
)
from marketplace.reviews.rating import refresh_rating
from marketplace.times import utcnow

REASON_LABELS = dict(REPORT_REASONS)


class AlreadyReported(DomainError):
    status = 409
    code = "already_reported"


def reportable_review(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or review.state != "published":
        raise NotFound("We could not find that review. Only reviews that show can be reported.")
    return review


def report(user: User, review_id: int, reason: str, words: str) -> ReviewReport:
    review = reportable_review(review_id)
    if reason not in REASON_LABELS:
        raise DomainError("Choose why you are reporting it", field="reason")
    words = (words or "").strip()
    if len(words) > MAX_REPORT_WORDS:
        raise DomainError(f"Use {MAX_REPORT_WORDS} characters or fewer", field="words")
    if db.session.scalar(sa.select(ReviewReport.id).where(
            ReviewReport.review_id == review.id, ReviewReport.reporter_id == user.id)):
        raise AlreadyReported("You have already reported this review. A moderator will look "
                              "at it.")
    provider = user.provider if user.role == "provider" else None
    filed = ReviewReport(review_id=review.id, reporter_id=user.id, reason=reason, words=words,
                         by_provider=provider is not None and provider.id == review.provider_id)
    db.session.add(filed)
    db.session.flush()
    return filed


def has_reported(user, review_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(sa.select(ReviewReport.id).where(
        ReviewReport.review_id == review_id, ReviewReport.reporter_id == user.id)) is not None


def reports_by_review(review_ids) -> dict[int, list[ReviewReport]]:
    found: dict[int, list[ReviewReport]] = defaultdict(list)
    for filed in db.session.scalars(sa.select(ReviewReport).where(
            ReviewReport.review_id.in_(list(review_ids))).order_by(ReviewReport.id)):
        found[filed.review_id].append(filed)
    return found


def reported_reviews() -> list[tuple[Review, list[ReviewReport]]]:
    """Published reviews with open reports, the longest-waiting first. (A review its author
    withdrew meanwhile no longer shows, so nothing is left to decide.)"""
    open_reports = db.session.scalars(sa.select(ReviewReport).join(Review).where(
        ReviewReport.state == "open", Review.state == "published")
        .order_by(ReviewReport.created_at, ReviewReport.id)).all()
    grouped: dict[int, list[ReviewReport]] = {}
    for filed in open_reports:
        grouped.setdefault(filed.review_id, []).append(filed)
    return [(db.session.get(Review, review_id), found) for review_id, found in grouped.items()]


def decide(moderator: User, review_id: int, decision: str, reason: str) -> Review:
    """keep (dismiss every open report) or remove (reject the review, saying why)."""
    reason = reason.strip()
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound("We could not find that review.")
    if decision == "remove" and not reason:
        raise DomainError("Say why, in words the author will read", field="reason")
    changed = db.session.execute(
        sa.update(ReviewReport).where(ReviewReport.review_id == review.id,
                                      ReviewReport.state == "open")
        .values(state="kept" if decision == "keep" else "removed", decided_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    if not changed or review.state != "published":
        raise moderation.AlreadyDecided("These reports are no longer waiting: someone has "
                                        "already decided, or the author withdrew the review.")
    if decision == "remove":
        review.state = "rejected"
        notify(review.written_by, f"Your review of {review.service.title} was removed after "
               f"someone reported it. The moderator said: “{reason}”",
               link=f"/orders/{review.order_id}/review", email_subject="Your review was removed")
    moderation.record(moderator, review, decision, reason)
    if decision == "remove":
        refresh_rating(review.service_id)
    db.session.expire_all()
    return review
