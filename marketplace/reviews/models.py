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
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    written_by: so.Mapped["User"] = so.relationship(foreign_keys=[written_by_id])  # noqa: F821
    outcome: so.Mapped["Outcome | None"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("stars >= 1 AND stars <= 5", name="stars_in_range"),
        sa.CheckConstraint(one_of("helped", HELPED_ANSWERS), name="helped_known"),
        sa.CheckConstraint(one_of("shown_as", SHOWN_AS), name="shown_as_known"),
        sa.CheckConstraint(one_of("state", REVIEW_STATES), name="state_known"),
        sa.CheckConstraint(f"length(text) <= {MAX_TEXT}", name="text_not_too_long"),
    )

    @property
    def author_label(self) -> str:
        return "Anonymous" if self.shown_as == "anonymous" else self.holder.display_name


#: "edit": a moderator edited personal data out of the text; its reason is the note the author
#: reads (reviews/redaction.py).
MODERATION_ACTIONS = ("publish", "reject", "edit")


class ReviewAction(db.Model):
    """A moderator's decision on a held review: who, when, and why (the author reads a
    rejection's reason)."""

    __tablename__ = "review_actions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id"), index=True)
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("action", MODERATION_ACTIONS), name="action_known"),
    )
