"""In-app notifications and the email outbox."""
from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid, parseaddr

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey, one_of
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


def new_message_id() -> str:
    """A Message-ID made once, when the email is queued: every retry sends the same one, so a
    receiving server that already has the message can drop the duplicate."""
    domain = "pathways.invalid"
    if has_app_context():
        sender = parseaddr(current_app.config.get("MAIL_FROM", ""))[1]
        domain = sender.rpartition("@")[2] or domain
    return make_msgid(domain=domain)


#: queued: waiting (or waiting again after a failed try); sending: a worker holds the lease and
#: is sending it; sent: accepted by the mail server; captured: kept here only (development and
#: tests, MAIL_BACKEND=capture); failed: gave up after MAIL_MAX_ATTEMPTS tries, or refused for
#: good by the mail server.
EMAIL_STATUSES = ("queued", "sending", "sent", "captured", "failed")


class EmailMessage(db.Model):
    """Queued in the same transaction as the change it reports; delivered by the worker, never
    inside a web request (marketplace/notifications/delivery.py)."""

    __tablename__ = "email_messages"
    __table_args__ = (
        sa.Index("ix_email_messages_status_next_attempt_at", "status", "next_attempt_at"),
        sa.CheckConstraint(one_of("status", EMAIL_STATUSES), name="status_known"),
    )

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    to_address: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: One of EMAIL_STATUSES.
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="queued")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: The Message-ID header, the same on every try.
    message_id: so.Mapped[str] = so.mapped_column(
        sa.String(255), unique=True, default=new_message_id
    )
    #: How many times a worker has tried to send it.
    attempts: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    #: Not tried again before this time (exponential backoff); None means at once.
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    last_attempt_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: The worker sending it and until when: a message whose lease ran out (its worker crashed
    #: mid-send) is taken again; no other worker touches it before then.
    lease_owner: so.Mapped[str | None] = so.mapped_column(sa.String(120), nullable=True)
    lease_expires_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: What the mail server said on the last failed try, in its words.
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500), nullable=True)
