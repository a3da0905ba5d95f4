"""Enquiries before buying: one open conversation per holder and service, its messages, and
the reports either side makes about a message (docs/enquiries.md)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

ENQUIRY_STATES = ("open", "closed")
SIDES = ("holder", "provider")
#: "contact": the holder's name and email, posted when the holder chose to share them.
MESSAGE_KINDS = ("text", "contact")
MAX_TEXT = 2000
MAX_LABEL = 60
MAX_REASON = 1000


class Enquiry(db.Model):
    __tablename__ = "enquiries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The holder, or a supporter with the holder's 'buy' permission.
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: What the provider sees instead of the holder's name: chosen, or a neutral label.
    holder_label: so.Mapped[str] = so.mapped_column(sa.String(MAX_LABEL))
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="open")
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"),
                                                          nullable=True)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    contact_shared_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_message_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    service: so.Mapped["Service"] = so.relationship()  # noqa: F821
    provider: so.Mapped["Provider"] = so.relationship()  # noqa: F821
    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    closed_by: so.Mapped["User | None"] = so.relationship(foreign_keys=[closed_by_id])  # noqa: F821
    messages: so.Mapped[list["EnquiryMessage"]] = so.relationship(
        back_populates="enquiry", order_by="EnquiryMessage.id")

    __table_args__ = (
        sa.CheckConstraint(one_of("state", ENQUIRY_STATES), name="state_known"),
        # Closed says who and when; open says neither.
        sa.CheckConstraint(
            "(state = 'open' AND closed_at IS NULL AND closed_by_id IS NULL) OR "
            "(state = 'closed' AND closed_at IS NOT NULL AND closed_by_id IS NOT NULL)",
            name="closed_says_who_and_when"),
        sa.CheckConstraint("length(holder_label) > 0", name="holder_label_given"),
        # One open conversation per holder and service; a closed one can be followed by a new.
        sa.Index("uq_enquiries_open_per_holder_service", "holder_id", "service_id",
                 unique=True, sqlite_where=sa.text("state = 'open'"),
                 postgresql_where=sa.text("state = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.state == "open"


class EnquiryMessage(db.Model):
    __tablename__ = "enquiry_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enquiry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enquiries.id"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    side: so.Mapped[str] = so.mapped_column(sa.String(10))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="text")
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    #: Safeguarding words in a holder's message: a person (a commissioner) reads it.
    safeguarding: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    enquiry: so.Mapped[Enquiry] = so.relationship(back_populates="messages")
    author: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("side", SIDES), name="side_known"),
        sa.CheckConstraint(one_of("kind", MESSAGE_KINDS), name="kind_known"),
        sa.CheckConstraint(f"length(text) > 0 AND length(text) <= {MAX_TEXT}",
                           name="text_given_not_too_long"),
        sa.Index("ix_enquiry_messages_enquiry_id_created_at", "enquiry_id", "created_at"),
    )


class EnquiryReport(db.Model):
    """One side's report of a message of the other side's, read by a commissioner."""

    __tablename__ = "enquiry_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("enquiry_messages.id"),
                                                  index=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    message: so.Mapped[EnquiryMessage] = so.relationship()
    reporter: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("message_id", "reporter_id"),
        sa.CheckConstraint(f"length(reason) > 0 AND length(reason) <= {MAX_REASON}",
                           name="reason_given_not_too_long"),
    )
