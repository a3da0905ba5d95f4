"""Reviews of a purchase: one per order, written by its holder (or a supporter with the plan
scope), held for a person when the detectors or a low score ask (docs/reviews.md)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

REVIEW_STATES = ("held", "published", "rejected", "withdrawn")
HELPED_ANSWERS = ("yes", "partly", "no")
SHOWN_AS = ("name", "anonymous")
MAX_TEXT = 5000


class Review(db.Model):
    __tablename__ = "reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), unique=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The holder, or a supporter with the plan scope (shown "written on behalf of").
    written_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    stars: so.Mapped[int] = so.mapped_column(sa.Integer)
    helped: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: The order's support-plan outcome the answer to "did it help" is about.
    outcome_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outcomes.id"), nullable=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    shown_as: so.Mapped[str] = so.mapped_column(sa.String(10), default="name")
    state: so.Mapped[str] = so.mapped_column(sa.String(10), index=True)
    #: What the detectors found, in words a moderator reads (JSON list of strings).
    held_reasons: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow,
                                                       index=True)
    published_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: A 1 or 2 star review with nothing else found waits until then (the provider's chance
    #: to reply), and the worker publishes it (reviews/hold.py). Null: no short hold.
    hold_until: so.Mapped[datetime | None] = so.mapped_column(nullable=True, index=True)

    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    written_by: so.Mapped["User"] = so.relationship(foreign_keys=[written_by_id])  # noqa: F821
    outcome: so.Mapped["Outcome | None"] = so.relationship()  # noqa: F821
    service: so.Mapped["Service"] = so.relationship()  # noqa: F821
    provider: so.Mapped["Provider"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("stars >= 1 AND stars <= 5", name="stars_in_range"),
        sa.CheckConstraint(one_of("helped", HELPED_ANSWERS), name="helped_known"),
        sa.CheckConstraint(one_of("shown_as", SHOWN_AS), name="shown_as_known"),
        sa.CheckConstraint(one_of("state", REVIEW_STATES), name="state_known"),
        sa.CheckConstraint(f"length(text) <= {MAX_TEXT}", name="text_not_too_long"),
        # A service's (or provider's) published reviews, newest first (migration 0017).
        sa.Index("ix_reviews_service_state_published", "service_id", "state", "published_at",
                 "id"),
        sa.Index("ix_reviews_provider_state_published", "provider_id", "state",
                 "published_at", "id"),
    )

    @property
    def author_label(self) -> str:
        if self.holder.is_closed:  # kept when they closed their account (reviews/closure.py)
            return "A former member"
        return "Anonymous" if self.shown_as == "anonymous" else self.holder.display_name


    @property
    def on_short_hold(self) -> bool:
        """Waiting out the short hold for 1 and 2 stars, not for a moderator."""
        return self.state == "held" and self.hold_until is not None


#: publish / reject: a held review; edit: a moderator edited personal data out of the text
#: (its reason is the note the author reads, reviews/redaction.py); keep / remove: a reported
#: review (remove rejects it); publish_reply / reject_reply: a provider's held reply.
MODERATION_ACTIONS = ("publish", "reject", "edit", "keep", "remove", "publish_reply",
                      "reject_reply")


class ReviewAction(db.Model):
    """A moderator's decision on a held review: who, when, and why (the author reads a
    rejection's reason)."""

    __tablename__ = "review_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id"), index=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("action", MODERATION_ACTIONS), name="action_known"),
    )


REPLY_STATES = ("held", "published", "rejected")
MAX_REPLY = 2000


class ReviewReply(db.Model):
    """A provider's public answer to a review of its service: one per review, editable.
    Checked by the same detectors as reviews, and held for a moderator when they find
    anything (reviews/replies.py)."""

    __tablename__ = "review_replies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id"), unique=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    written_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    state: so.Mapped[str] = so.mapped_column(sa.String(10))
    held_reasons: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: When the provider first replied: kept through edits, so reply times can be measured.
    replied_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    review: so.Mapped[Review] = so.relationship(
        backref=so.backref("reply", uselist=False, lazy="selectin"))

    __table_args__ = (
        sa.CheckConstraint(one_of("state", REPLY_STATES), name="state_known"),
        sa.CheckConstraint(f"length(text) >= 1 AND length(text) <= {MAX_REPLY}",
                           name="text_length"),
    )


#: Why someone reports a review: (value, what they read).
REPORT_REASONS = [
    ("personal_data", "It names someone or gives their personal details"),
    ("abusive", "It is abusive or offensive"),
    ("not_genuine", "It is not about this service, or not a genuine experience"),
    ("safety", "It worries me about someone's safety"),
    ("other", "Something else"),
]
REPORT_STATES = ("open", "kept", "removed")
MAX_REPORT_WORDS = 1000


class ReviewReport(db.Model):
    """Someone's report of a published review: it stays published until a moderator keeps it
    (the report is dismissed) or removes it (reviews/reports.py). One per person per review."""

    __tablename__ = "review_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id"), index=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: Reported by the provider of the reviewed service (never enough alone to hide it).
    by_provider: so.Mapped[bool] = so.mapped_column(default=False)
    reason: so.Mapped[str] = so.mapped_column(sa.String(20))
    words: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    review: so.Mapped[Review] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("review_id", "reporter_id"),
        sa.CheckConstraint(one_of("reason", [value for value, _ in REPORT_REASONS]),
                           name="reason_known"),
        sa.CheckConstraint(one_of("state", REPORT_STATES), name="state_known"),
        sa.CheckConstraint(f"length(words) <= {MAX_REPORT_WORDS}", name="words_not_too_long"),
    )
