"""What closing an account does to reviews (accounts/closure.py).

A published review is other people's guide to a service, so it stays unless its author chose to
withdraw it: its words stay, with the author's own names taken out, and it shows as by "a
former member" (Review.author_label). Every other review of theirs (waiting for a moderator, on
the short hold, rejected, withdrawn, or published and withdrawn now) is withdrawn and its
words, the detectors' findings, the provider's reply and what reporters and moderators wrote
about it go. Their stars leave the service's rating the moment the review is withdrawn
(withdraw_review). What the person wrote in reports of other people's reviews goes too, and a
provider's replies lose the owner's names.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.mentions import Mentions
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews.models import Review, ReviewAction, ReviewReply, ReviewReport
from marketplace.reviews.services import withdraw_review

REMOVED = "Removed when the account was closed"


def review_words(holder: User) -> list[str]:
    return list(db.session.scalars(sa.select(Review.text).where(Review.holder_id == holder.id)))


def published_count(holder: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(Review.id)).where(
        Review.holder_id == holder.id, Review.state == "published"))


def forget_reviews(person: User, mentions: Mentions, *, withdraw_published: bool) -> None:
    reviews = db.session.scalars(sa.select(Review).where(Review.holder_id == person.id)
                                 .order_by(Review.id)).all()
    for review in reviews:
        review.held_reasons = []
        if review.state == "published" and not withdraw_published:
            review.text = mentions.replace_names(review.text, given_names=True)
            _scrub_about(review, mentions)
            continue
        if review.state in ("held", "published"):
            withdraw_review(db.session.get(Order, review.order_id))
        review.text = ""
        _remove_about(review)
    db.session.execute(sa.update(ReviewReport).where(ReviewReport.reporter_id == person.id)
                       .values(words=""))
    # A provider's replies stay with the reviews they answer, without the owner's names.
    for reply in db.session.scalars(sa.select(ReviewReply).where(
            ReviewReply.written_by_id == person.id)):
        reply.text = mentions.replace_names(reply.text)
    db.session.flush()


def _remove_about(review: Review) -> None:
    db.session.execute(sa.update(ReviewReply).where(ReviewReply.review_id == review.id)
                       .values(text=REMOVED))
    db.session.execute(sa.update(ReviewReport).where(ReviewReport.review_id == review.id)
                       .values(words=""))
    db.session.execute(sa.update(ReviewAction).where(ReviewAction.review_id == review.id)
                       .values(reason=""))


def _scrub_about(review: Review, mentions: Mentions) -> None:
    """A kept review's reply, reports and moderators' notes, without the author's names."""
    for model, column in ((ReviewReply, "text"), (ReviewReport, "words"),
                          (ReviewAction, "reason")):
        for row in db.session.scalars(sa.select(model).where(model.review_id == review.id)):
            setattr(row, column, mentions.replace_names(getattr(row, column), given_names=True))
