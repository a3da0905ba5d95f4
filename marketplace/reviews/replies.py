"""A provider's public reply to a review of its own service: one per review, editable after.

Who: the owner of the provider whose service was reviewed; anyone else gets NotFound, as for a
review they cannot see. Which reviews: published ones, and those on the short hold for 1 or 2
stars (hold.py), so the reply shows with the review from the start. A review held for a
moderator is not shown to the provider at all.

The words are plain text, at most MAX_REPLY characters, checked by the same detectors as a
review: anything found holds the reply for a moderator (publish_reply / reject_reply in
review_actions), otherwise it shows at once. replied_at is the first reply's time, kept
through edits, so reply times can be measured.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.reviews import detectors, moderation
from marketplace.reviews.models import MAX_REPLY, Review, ReviewAction, ReviewReply
from marketplace.times import utcnow

REVIEW_NOT_FOUND = "We could not find that review of your services."


class AlreadyReplied(DomainError):
    status = 409
    code = "already_replied"


def provider_of(user: User):
    return user.provider if getattr(user, "role", None) == "provider" else None


def open_to_reply(review: Review) -> bool:
    return review.state == "published" or review.on_short_hold


def reviews_to_answer(user: User) -> list[Review]:
    """The provider's reviews it may see and answer: newest first."""
    provider = provider_of(user)
    if provider is None:
        return []
    return [review for review in db.session.scalars(
        sa.select(Review).where(Review.provider_id == provider.id,
                                Review.state.in_(("published", "held")))
        .order_by(Review.created_at.desc(), Review.id.desc()))
        if open_to_reply(review)]


def answerable_review(user: User, review_id: int) -> Review:
    provider = provider_of(user)
    review = db.session.get(Review, review_id)
    if (provider is None or review is None or review.provider_id != provider.id
            or not open_to_reply(review)):
        raise NotFound(REVIEW_NOT_FOUND)
    return review


def check_reply_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("Write your reply", field="text")
    if len(text) > MAX_REPLY:
        raise DomainError(f"Use {MAX_REPLY} characters or fewer", field="text")
    return text


def reply_to(user: User, review_id: int, text: str, *, new: bool | None = None) -> ReviewReply:
    """Write or edit the provider's reply. ``new``: True refuses an existing reply (the API's
    POST), False refuses a missing one (its PUT); None (the page) does either."""
    review = answerable_review(user, review_id)
    text = check_reply_text(text)
    reply = review.reply
    if new is True and reply is not None:
        raise AlreadyReplied("You have already replied to this review. Change your reply "
                             "instead (PUT).")
    if new is False and reply is None:
        raise NotFound("You have not replied to this review yet.")
    reasons = [finding.reason for finding in detectors.check(text)]
    if reply is None:
        reply = ReviewReply(review_id=review.id, provider_id=review.provider_id,
                            replied_at=utcnow())
        db.session.add(reply)
    reply.written_by_id, reply.text, reply.held_reasons = user.id, text, reasons
    if reasons:
        reply.state, reply.published_at = "held", None
    else:
        reply.state = "published"
        reply.published_at = reply.published_at or utcnow()
    reply.updated_at = utcnow()
    db.session.flush()
    db.session.refresh(review)
    return reply


@dataclass(frozen=True)
class ReplyRate:
    answered: int
    published: int

    @property
    def percent(self) -> int | None:
        """Share of published reviews with a published reply, 0-100; None with none."""
        if not self.published:
            return None
        return (200 * self.answered + self.published) // (2 * self.published)


def reply_rate(provider_id: int) -> ReplyRate:
    published, answered = db.session.execute(
        sa.select(sa.func.count(Review.id), sa.func.count(ReviewReply.id))
        .select_from(Review)
        .outerjoin(ReviewReply, (ReviewReply.review_id == Review.id)
                   & (ReviewReply.state == "published"))
        .where(Review.provider_id == provider_id, Review.state == "published")).one()
    return ReplyRate(answered, published)


def shown_reply(review: Review) -> ReviewReply | None:
    """The reply anyone reads under the review: only once a published one."""
    reply = review.reply
    return reply if reply is not None and reply.state == "published" else None


# ---------------------------------------------------------------- moderators


def held_replies() -> list[ReviewReply]:
    return list(db.session.scalars(sa.select(ReviewReply).where(ReviewReply.state == "held")
                                   .order_by(ReviewReply.updated_at, ReviewReply.id)))


def decide_reply(moderator: User, reply_id: int, decision: str, reason: str) -> ReviewReply:
    """publish or reject a held reply; a rejection says why (the provider reads it)."""
    reply = db.session.get(ReviewReply, reply_id)
    if reply is None:
        raise NotFound("We could not find that reply.")
    if decision == "reject" and not reason.strip():
        raise DomainError("Say why, in words the provider will read", field="reason")
    if reply.state != "held":
        raise moderation.AlreadyDecided("This reply is no longer waiting: someone has "
                                        "already decided.")
    if decision == "publish":
        reply.state, reply.published_at = "published", utcnow()
    else:
        reply.state = "rejected"
    moderation.record(moderator, reply.review, f"{decision}_reply", reason.strip())
    return reply


def last_reply_decision(reply: ReviewReply) -> ReviewAction | None:
    return db.session.scalar(sa.select(ReviewAction).where(
        ReviewAction.review_id == reply.review_id,
        ReviewAction.action.in_(("publish_reply", "reject_reply")))
        .order_by(ReviewAction.id.desc()).limit(1))
