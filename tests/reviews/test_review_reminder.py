"""The reminder to review: REVIEW_REMINDER_DAYS London days after an order is confirmed
delivered, the worker tells its holder once, in the app and by email, with a link to the
review form; never twice (however many workers), never once a review exists, and not for an
order refunded, never delivered, long ago, or whose holder's account is closed."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import run_due_jobs
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.reviews import reminders
from marketplace.reviews.reminders import ReviewReminder, send_due_reminders
from marketplace.times import LONDON, UTC
from tests.orders.pages import browser, text
from tests.reviews.market import delivered_order, review_form

SUBJECT = "How was your support? Write a review"


def _at(*when) -> datetime:
    return datetime(*when, tzinfo=LONDON).astimezone(UTC)


def _reminders(user) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.link.like("%/review"))))


def _emails(user) -> list[EmailMessage]:
    return list(db.session.scalars(sa.select(EmailMessage).where(
        EmailMessage.to_address == user.email, EmailMessage.subject == SUBJECT)))


def test_one_reminder_three_london_days_after_confirming_across_workers(app, market, clock):
    assert app.config["REVIEW_REMINDER_DAYS"] == 3
    clock.set(_at(2027, 3, 1, 23, 30))  # confirmed late on 1 March, London time
    order = delivered_order(market)
    registry = catalogue.load()
    clock.set(_at(2027, 3, 3, 23, 59))  # not yet: 3 March is only the second day after
    run_due_jobs("worker-a", registry)
    assert _reminders(market.sam) == []
    clock.set(_at(2027, 3, 4, 0, 5))  # from the start of 4 March
    run_due_jobs("worker-a", registry)
    run_due_jobs("worker-b", registry)
    clock.set(_at(2027, 3, 5, 9, 0))
    run_due_jobs("worker-b", registry)
    assert send_due_reminders() == 0
    db.session.expire_all()
    (told,) = _reminders(market.sam)
    assert told.link == f"/orders/{order.id}/review" and told.order_id == order.id
    assert "How was “Photography group” from Bright Days?" in told.message
    (email,) = _emails(market.sam)
    assert f"/orders/{order.id}/review" in email.body
    assert db.session.get(ReviewReminder, order.id).sent_at == _at(2027, 3, 4, 0, 5)
    # The link opens the holder's review form.
    assert "How many stars would you give it?" in text(
        browser(app, market.sam).get(told.link))


def test_a_worker_that_finds_the_reminder_taken_sends_nothing(app, market, clock, monkeypatch):
    clock.set(_at(2027, 3, 1, 10, 0))
    order = delivered_order(market)
    clock.set(_at(2027, 3, 4, 10, 0))
    assert send_due_reminders() == 1
    # Another worker that read the due list before this one committed still sends nothing.
    monkeypatch.setattr(reminders, "due_order_ids", lambda: [order.id])
    assert send_due_reminders() == 0
    db.session.commit()
    assert len(_reminders(market.sam)) == 1 and len(_emails(market.sam)) == 1


def test_no_reminder_when_there_is_nothing_to_ask(app, market, clock):
    clock.set(_at(2027, 3, 1, 10, 0))
    reviewed = delivered_order(market)
    browser(app, market.sam).post(f"/orders/{reviewed.id}/review", data=review_form())
    refunded = delivered_order(market)
    orders.act_on_order(market.bright.owner, refunded.id, "refund", "Sorry, we cancelled one")
    never_delivered = orders.place_order(market.sam, market.sam.id, OrderRequest(
        market.budget.id, market.service.id, quantity=1))
    orders.act_on_order(market.sam, never_delivered.id, "cancel")
    closed = delivered_order(market, market.other_holder, _budget_of(market.other_holder))
    market.other_holder.is_active_account = False
    db.session.commit()
    clock.set(_at(2027, 3, 10, 10, 0))
    assert send_due_reminders() == 0
    assert _reminders(market.sam) == [] and _emails(market.sam) == []
    assert _reminders(market.other_holder) == []
    assert closed.state == "confirmed"


def test_a_confirmation_from_long_ago_is_not_brought_up(app, market, clock):
    clock.set(_at(2027, 1, 1, 10, 0))
    delivered_order(market)
    # Worker down for a month: confirmed more than REMINDER_WINDOW_DAYS London days ago.
    clock.set(_at(2027, 1, 1, 12, 0) + timedelta(days=reminders.REMINDER_WINDOW_DAYS + 1))
    assert send_due_reminders() == 0
    assert _reminders(market.sam) == []


def _budget_of(holder):
    from tests.factories import make_funded_budget

    return make_funded_budget(holder, amount_pence=50_000)
