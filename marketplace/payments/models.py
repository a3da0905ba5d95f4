"""Card payments, refunds and webhook events.

Every Stripe call is made with an idempotency key derived from our own row, and the row records
the call's outcome before and after, so a retry after a crash or time-out finishes the job
without charging twice (the local Stripe server ignores idempotency keys, so we cannot rely on
Stripe alone).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey, one_of
from marketplace.times import utcnow

CARD_PAYMENT_STATES = (
    "creating",  # our row exists; the PaymentIntent call may or may not have happened
    "requires_payment_method",
    "requires_action",  # 3-D Secure
    "processing",
    "succeeded",
    "failed",
    "cancelled",
)
#: Ours ("creating": the row exists, the refund call may or may not have happened) and Stripe's.
CARD_REFUND_STATES = ("creating", "pending", "requires_action", "succeeded", "failed", "canceled")


class CardPayment(db.Model):
    __tablename__ = "card_payments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), index=True)
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: Sent with every call about this payment; derived from our own id.
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    stripe_payment_intent_id: so.Mapped[str | None] = so.mapped_column(
        sa.String(255), nullable=True, unique=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(40), default="creating")
    #: What the person was told last time it failed, in plain English.
    failure_message: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    card_last4: so.Mapped[str] = so.mapped_column(sa.String(4), default="")
    receipt_number: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    succeeded_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: The person who paid: the holder, or a supporter acting for them. None for payments made
    #: before this was recorded (migration 0008).
    paid_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), nullable=True)

    paid_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
        sa.CheckConstraint(one_of("status", CARD_PAYMENT_STATES), name="status_known"),
    )


class CardRefund(db.Model):
    __tablename__ = "card_refunds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    card_payment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("card_payments.id"), index=True
    )
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    stripe_refund_id: so.Mapped[str | None] = so.mapped_column(
        sa.String(255), nullable=True, unique=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(40), default="creating")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("amount_pence > 0", name="amount_positive"),
        sa.CheckConstraint(one_of("status", CARD_REFUND_STATES), name="status_known"),
    )


class WebhookEvent(db.Model):
    """Each Stripe event id is processed once; a replay finds its row and does nothing."""

    __tablename__ = "webhook_events"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    stripe_event_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    event_type: so.Mapped[str] = so.mapped_column(sa.String(80))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    processed_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
