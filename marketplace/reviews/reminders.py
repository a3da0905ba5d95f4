"""One reminder to review a purchase, REVIEW_REMINDER_DAYS London days after the order was
confirmed delivered (by its holder, by itself, or by settling a dispute; pool share orders
too), by email and in the app, with a link to /orders/<id>/review. Run by the worker's
`review-reminders` job (reviews/jobs.py).

Exactly once per order, whatever the number of workers: a reminder is sent only by the
transaction whose INSERT of the order's review_reminders row (the order is its primary key)
went in; ON CONFLICT DO NOTHING leaves every other worker, and every retry, with nothing to do.

No reminder when the order already has a review (any state: a withdrawn review is the
author's choice), when the order is no longer reviewable (refunded or disputed after
confirming), when the holder's account is closed, or when the confirmation is older than
REMINDER_WINDOW_DAYS (nobody is asked about something from months ago, e.g. after an upgrade).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.orders.models import Order, OrderEvent
from marketplace.reviews.models import Review
from marketplace.reviews.services import REVIEWABLE_STATES
from marketplace.times import london_midnight, london_today, utcnow

#: Confirmed longer ago than this: too late to ask.
REMINDER_WINDOW_DAYS = 30


class ReviewReminder(db.Model):
    """An order whose holder has been reminded to review it: at most one row per order."""

    __tablename__ = "review_reminders"

    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("orders.id"), primary_key=True,
                                                autoincrement=False)
    sent_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


def _confirmed_at():
    """When each order was (last) confirmed delivered: its newest OrderEvent into 'confirmed'."""
    return (sa.select(OrderEvent.order_id, sa.func.max(OrderEvent.created_at).label("at"))
            .where(OrderEvent.to_state == "confirmed").group_by(OrderEvent.order_id)
            .subquery())


def due_order_ids() -> list[int]:
    days = current_app.config["REVIEW_REMINDER_DAYS"]
    # Confirmed on London day D: reminded from the start of D + days.
    cutoff = london_midnight(london_today() - timedelta(days=days - 1))
    too_old = london_midnight(london_today() - timedelta(days=REMINDER_WINDOW_DAYS))
    confirmed = _confirmed_at()
    return list(db.session.scalars(
        sa.select(Order.id)
        .join(confirmed, confirmed.c.order_id == Order.id)
        .join(User, User.id == Order.holder_id)
        .where(Order.state.in_(REVIEWABLE_STATES), User.is_active_account.is_(True),
               confirmed.c.at < cutoff, confirmed.c.at >= too_old,
               ~sa.exists().where(Review.order_id == Order.id),
               ~sa.exists().where(ReviewReminder.order_id == Order.id))
        .order_by(Order.id)))


def _claim(order_id: int) -> bool:
    """True for the one transaction whose row went in."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        db.session.get_bind().dialect.name]
    claimed = db.session.execute(
        insert(ReviewReminder).values(order_id=order_id, sent_at=utcnow())
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(ReviewReminder.order_id)).scalar()
    return claimed is not None


def send_due_reminders() -> int:
    """Remind every holder due a reminder; returns how many. Flushes; the worker commits."""
    sent = 0
    for order_id in due_order_ids():
        if not _claim(order_id):
            continue  # another worker reminded this holder meanwhile
        order = db.session.get(Order, order_id)
        notify(order.holder, f"How was “{order.service_title}” from {order.provider.name}? "
               "If you have a moment, a review helps other people choose, and helps the "
               "provider improve. Only you can write it: you bought it.",
               link=f"/orders/{order.id}/review", order_id=order.id,
               email_subject="How was your support? Write a review")
        sent += 1
    db.session.flush()
    return sent
