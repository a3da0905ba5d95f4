"""Shared by the reply, hold and report tests: a review written through the page, what a person
was told, and the provider's reply form's field names."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.reviews.models import Review
from tests.orders.pages import browser
from tests.reviews.market import delivered_order, review_form


def written_review(app, market, holder=None, budget=None, **changes) -> Review:
    holder = holder or market.sam
    order = delivered_order(market, holder, budget)
    browser(app, holder).post(f"/orders/{order.id}/review", data=review_form(**changes))
    return db.session.scalars(sa.select(Review).where(Review.order_id == order.id)).one()


def reply_data(review, words: str) -> dict:
    return {f"reply{review.id}-text": words}


def told(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def emailed(user) -> list[str]:
    return list(db.session.scalars(sa.select(EmailMessage.subject).where(
        EmailMessage.to_address == user.email).order_by(EmailMessage.id)))
