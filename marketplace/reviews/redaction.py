"""A moderator edits personal data out of a held review, with a note its author reads, and
publishes it (docs/moderation.md, "Editing out personal data").

The suggestion is detectors.redacted(text): each phone number, email address, home address,
NHS number (and, in a critical review, staff name) replaced by "[... removed]". The moderator
may change it. The edit is recorded as an 'edit' ReviewAction with the note and who made it;
the text as it was is not kept anywhere (nor the held reasons, which quote what the
detectors found), because what was removed is the personal data the edit protects. The review is then published through moderation.publish, recorded as a
'publish' action as usual.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews import detectors, moderation
from marketplace.reviews.models import Review, ReviewAction
# The same staff names the review was checked against when it was written.
from marketplace.reviews.services import LOW_STARS, _staff_names


def _findings(review: Review) -> detectors.Findings:
    order = db.session.get(Order, review.order_id)
    return detectors.check(review.text, critical=review.stars <= LOW_STARS,
                           staff_names=_staff_names(order))


def _reasons_now(review: Review) -> list[str]:
    """The reasons it was held, read again from the edited text: the old ones quote the
    details that were just removed ("A phone number: 07700 900123")."""
    return [finding.reason for finding in _findings(review)]


def suggested_text(review: Review) -> str:
    """The review with the personal data the detectors found replaced, as a starting point."""
    return detectors.redacted(review.text, _findings(review))


def edit_and_publish(moderator: User, review_id: int, text: str, note: str) -> Review:
    if not note.strip():
        raise DomainError("Tell the author what you took out", field="note")
    if not text.strip():
        raise DomainError("The review cannot be empty: reject it instead", field="text")
    review = moderation.held_review(review_id)
    if text.strip() == review.text.strip():
        raise DomainError("Nothing was changed: take the details out, or publish it as it is",
                          field="text")
    review.text = text.strip()
    review.held_reasons = _reasons_now(review)
    db.session.add(ReviewAction(review_id=review.id, actor_id=moderator.id, action="edit",
                                reason=note.strip()))
    db.session.flush()
    return moderation.publish(moderator, review_id)


def edit_note(review: Review) -> ReviewAction | None:
    """The latest moderator's edit of this review, whose note its author reads."""
    return db.session.scalar(sa.select(ReviewAction).where(
        ReviewAction.review_id == review.id, ReviewAction.action == "edit")
        .order_by(ReviewAction.id.desc()).limit(1))
