"""`flask auto-confirm-orders`: delivered orders nobody confirmed in time are confirmed, the
provider is owed the money, and everyone is told."""
from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.times import utcnow
from marketplace.notifications.models import EmailMessage
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from tests.mail import count_with_status, deliver_emails


def delivered_order(market, quantity=1):
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, quantity))
    orders.act_on_order(market.staff, order.id, "approve")
    orders.act_on_order(market.provider_owner, order.id, "accept")
    orders.act_on_order(market.provider_owner, order.id, "deliver")
    db.session.commit()
    return order


def test_the_command_confirms_only_orders_past_their_waiting_time(app, market, runner):
    due = delivered_order(market, quantity=2)
    not_yet = delivered_order(market, quantity=1)
    db.session.execute(sa.update(Order).where(Order.id == due.id)
                       .values(auto_confirm_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    result = runner.invoke(args=["auto-confirm-orders"])
    assert result.exit_code == 0, result.output
    assert "Confirmed 1 order automatically." in result.output
    db.session.expire_all()
    assert db.session.get(Order, due.id).state == "confirmed"
    assert db.session.get(Order, not_yet.id).state == "delivered"
    assert ledger.budget_balances(market.budget.id).spent_pence == 5_000
    told = db.session.scalar(sa.select(EmailMessage).where(
        EmailMessage.to_address == market.sam.email,
        EmailMessage.subject == f"Order {due.id} was confirmed automatically"))
    assert told.status == "queued"  # the worker sends it
    deliver_emails()
    assert db.session.get(EmailMessage, told.id).status == "captured"
    assert count_with_status("queued") == 0

    again = runner.invoke(args=["auto-confirm-orders"])
    assert "Confirmed 0 orders automatically." in again.output
