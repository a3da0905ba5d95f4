"""Provider payout details and payout runs.

A payout can never pay an order twice: payout_orders.order_id is unique among live runs.
A cancelled run keeps its rows: each of its PayoutOrder rows moves the order from order_id
(the live claim) to cancelled_order_id, so the order is free for a later run and the cancelled
run still shows what it held, when it was cancelled and by whom.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow


class ProviderPayoutDetails(db.Model):
    __tablename__ = "provider_payout_details"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("providers.id", ondelete="CASCADE"), unique=True
    )
    account_name: so.Mapped[str] = so.mapped_column(sa.String(18), default="")
    #: Six digits, stored without dashes.
    sort_code: so.Mapped[str] = so.mapped_column(sa.String(6), default="")
    account_number: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    #: "acct_..." where the deployment pays through Stripe Connect.
    stripe_account_id: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


PAYOUT_RUN_STATES = ("draft", "sent", "paid", "cancelled")


class PayoutRun(db.Model):
    __tablename__ = "payout_runs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: "bacs_file" or "stripe_connect".
    backend: so.Mapped[str] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft")
    #: The managed-account organisation paying, or None for the marketplace (direct payments).
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("managed_account_organisations.id"), nullable=True, index=True
    )
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    paid_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    cancelled_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )

    cancelled_by: so.Mapped["User | None"] = so.relationship(  # noqa: F821
        foreign_keys=[cancelled_by_id]
    )
    items: so.Mapped[list["PayoutItem"]] = so.relationship(
        back_populates="run", order_by="PayoutItem.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", PAYOUT_RUN_STATES), name="status_known"),
    )


class PayoutItem(db.Model):
    """One provider's line in a run: one bank payment or one transfer."""

    __tablename__ = "payout_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("payout_runs.id", ondelete="CASCADE"), index=True
    )
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: Bank reference (18 characters at most for Bacs).
    reference: so.Mapped[str] = so.mapped_column(sa.String(18))
    #: Connect transfer id once sent.
    stripe_transfer_id: so.Mapped[str] = so.mapped_column(sa.String(255), default="")

    run: so.Mapped[PayoutRun] = so.relationship(back_populates="items")
    orders: so.Mapped[list["PayoutOrder"]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("amount_pence > 0", name="amount_positive"),)


class PayoutOrder(db.Model):
    __tablename__ = "payout_orders"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("payout_items.id", ondelete="CASCADE"), index=True
    )
    #: The order this live run claims; unique, so an order is paid at most once. None once
    #: the run is cancelled.
    order_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("orders.id"), unique=True, nullable=True
    )
    #: The order a cancelled run held (history only; it claims nothing).
    cancelled_order_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("orders.id"), nullable=True, index=True
    )
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    item: so.Mapped[PayoutItem] = so.relationship(back_populates="orders")

    __table_args__ = (
        sa.CheckConstraint(
            "(order_id IS NULL) <> (cancelled_order_id IS NULL)", name="live_or_cancelled"
        ),
    )
