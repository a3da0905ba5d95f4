"""Two worker processes against one database, as on two nodes: every due time of every job
runs once (a tick job due each second, pay-instalments, auto-confirm-orders), and email queued
while the mail server is down is delivered exactly once when it comes back."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.notifications.services import queue_email
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.services import OrderRequest
from marketplace.times import utcnow
from tests.factories import make_user
from tests.jobs.conftest import job_runs, wait_for
from tests.orders.pages import Market

EMAILS = 20


def _order_due_for_auto_confirm(market) -> Order:
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, 2))
    orders.act_on_order(market.staff, order.id, "approve")
    orders.act_on_order(market.provider_owner, order.id, "accept")
    orders.act_on_order(market.provider_owner, order.id, "deliver")
    order.auto_confirm_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return order


def _emails(status: str | None = None) -> list[EmailMessage]:
    query = sa.select(EmailMessage).where(EmailMessage.to_address.like("person%@example.org"))
    if status:
        query = query.where(EmailMessage.status == status)
    return list(db.session.scalars(query.order_by(EmailMessage.id)))


@pytest.fixture
def market(app):
    # Built before due_instalments: allocating a budget pays in every instalment already due.
    return Market()


def test_two_workers_run_each_due_job_once_and_deliver_each_email_once(
        app, workers, mail_server, market, due_instalments):
    ticker = make_user("holder")
    order = _order_due_for_auto_confirm(market)
    for number in range(EMAILS):
        queue_email(f"person{number}@example.org", f"Message {number}", "Hello.")
    db.session.commit()
    settings = {**mail_server.settings(), "MAIL_RETRY_SECONDS": "0.5",
                "MAIL_RETRY_MAX_SECONDS": "1", "MAIL_BATCH_SIZE": "3", "MAIL_MAX_ATTEMPTS": "50",
                "TEST_TICK_USER": str(ticker.id)}
    jobs = "test-tick,pay-instalments,auto-confirm-orders"
    pair = [workers.start(name, jobs, **settings) for name in ("node-a", "node-b")]

    # The mail server is down: every email is tried, refused, and waits to be tried again.
    wait_for(lambda: all(e.last_error for e in _emails()),
             timeout=60, what="every email to be tried while the mail server is down")
    assert "refused the connection" in _emails()[0].last_error
    assert mail_server.handler.messages == []
    mail_server.up()
    wait_for(lambda: len(_emails("sent")) == EMAILS and len(job_runs("test-tick")) >= 5,
             timeout=60, what="every email to be sent and five ticks")
    for process in pair:
        assert workers.stop(process) == 0, workers.logs()

    # Each tick due time ran once, and left exactly one notification.
    ticks = job_runs("test-tick")
    assert {run.status for run in ticks} == {"succeeded"}
    assert len({run.due_at for run in ticks}) == len(ticks)
    told = db.session.scalars(sa.select(Notification.message)
                              .where(Notification.user_id == ticker.id)).all()
    assert len(told) == len(ticks) == len(set(told))

    # The real jobs: one run for today's instalments, each order confirmed once.
    [instalment_run] = job_runs("pay-instalments")
    assert instalment_run.status == "succeeded"
    assert instalment_run.result == "Paid in 2 instalments."
    assert ledger.budget_balances(due_instalments.id).allocated_pence == 120_000
    confirm_runs = job_runs("auto-confirm-orders")
    assert {run.status for run in confirm_runs} == {"succeeded"}
    assert db.session.get(Order, order.id).state == "confirmed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_state == "confirmed")) == 1
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []

    # Each email reached the server once, under the Message-ID it was queued with.
    sent = _emails("sent")
    received = [message_id for message_id, message in zip(mail_server.handler.message_ids,
                                                          mail_server.handler.messages)
                if str(message["To"]).startswith("person")]
    assert sorted(received) == sorted(e.message_id for e in sent)
    assert len(set(received)) == EMAILS
    assert all(e.attempts >= 2 and e.lease_owner is None for e in sent)
