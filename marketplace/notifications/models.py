from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey
from marketplace.times import utcnow


class Notification(db.Model):
    __tablename__ = "notifications"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    message: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: Where the person goes to act on it (a path on this site).
    link: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), nullable=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    read_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)


class EmailMessage(db.Model):
    """Queued in the same transaction as the change it reports; sent (or captured) after."""

    __tablename__ = "email_messages"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: "queued", "sending" (claimed by a worker), "sent", or "captured" (development and
    #: tests: never leaves the machine).
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="queued")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
