"""Orders. The allowed state changes live in orders/states.py as a table; each change is
recorded as an OrderEvent with who did it and on whose behalf."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

ORDER_STATES = (
    "awaiting_payment",  # direct payment: card not yet paid
    "awaiting_approval",  # managed account: funds reserved, organisation to approve
    "awaiting_provider",  # approved (or paid by card): provider to accept or decline
    "accepted",
    "delivered",
    "confirmed",  # holder confirmed (or auto-confirmed): money settled to the provider
    "paid_out",  # included in a payout run marked paid
    "disputed",
    "declined",
    "cancelled",
    "refunded",
)


class Order(db.Model):
    __tablename__ = "orders"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    budget_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budgets.id"), index=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    #: "direct" or "managed", copied from the budget when placed.
    route: so.Mapped[str] = so.mapped_column(sa.String(10))
    quantity: so.Mapped[int] = so.mapped_column(sa.Integer)
    unit_price_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: Snapshot of the service's unit when ordered.
    price_unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    total_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    service_title: so.Mapped[str] = so.mapped_column(sa.String(160))
    starts_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    ends_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    note_to_provider: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    outcome_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("outcomes.id"), nullable=True
    )
    #: The holder chose to tell the provider which outcome this is for. Otherwise only the
    #: holder and their supporters see it (orders.outcome_privacy).
    outcome_shared: so.Mapped[bool] = so.mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    state: so.Mapped[str] = so.mapped_column(sa.String(30), index=True)
    #: Who placed it: the holder, or a supporter acting for them.
    placed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The client's Idempotency-Key (API) or form token: the same key returns the same order.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(255), nullable=True)
    delivered_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: When a delivered order confirms itself if the holder does nothing.
    auto_confirm_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    events: so.Mapped[list["OrderEvent"]] = so.relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )
    budget: so.Mapped["Budget"] = so.relationship()  # noqa: F821
    service: so.Mapped["Service"] = so.relationship()  # noqa: F821
    provider: so.Mapped["Provider"] = so.relationship()  # noqa: F821
    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    placed_by: so.Mapped["User"] = so.relationship(foreign_keys=[placed_by_id])  # noqa: F821
    outcome: so.Mapped["Outcome | None"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("placed_by_id", "idempotency_key", name="uq_orders_placed_by_key"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("total_pence = quantity * unit_price_pence", name="total_matches"),
        sa.CheckConstraint("route IN ('direct', 'managed')", name="route_known"),
        sa.CheckConstraint(one_of("state", ORDER_STATES), name="state_known"),
    )


class OrderEvent(db.Model):
    __tablename__ = "order_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    from_state: so.Mapped[str | None] = so.mapped_column(sa.String(30), nullable=True)
    to_state: so.Mapped[str] = so.mapped_column(sa.String(30))
    #: None when the system did it (auto-approve, auto-confirm, webhook).
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), nullable=True)
    on_behalf_of_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    order: so.Mapped[Order] = so.relationship(back_populates="events")

    __table_args__ = (
        sa.CheckConstraint(one_of("to_state", ORDER_STATES), name="to_state_known"),
        sa.CheckConstraint(
            f"from_state IS NULL OR {one_of('from_state', ORDER_STATES)}", name="from_state_known"
        ),
    )
    actor: so.Mapped["User | None"] = so.relationship(foreign_keys=[actor_id])  # noqa: F821
