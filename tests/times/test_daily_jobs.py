"""The daily jobs count London days: an instalment due on a London day is paid by a run late the
evening before in UTC, and an order confirms itself N London days after delivery."""
from __future__ import annotations

from datetime import date

from marketplace.budgets.models import Instalment
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from tests.budgets.helpers import allocate
from tests.factories import make_user
from tests.orders.pages import Market, browser, text
from tests.times.helpers import utc


def test_an_instalment_due_on_1_april_is_paid_by_the_run_at_2330_utc_on_31_march(
    app, clock, runner
):
    holder = make_user("holder")
    clock.set(utc(2026, 3, 4, 9, 0))
    budget = allocate(holder, start=date(2026, 3, 4), end=date(2027, 3, 3))[0]
    due = db.session.scalars(
        db.select(Instalment).where(Instalment.budget_id == budget.id)
        .order_by(Instalment.due_on)).all()[1]
    assert due.due_on == date(2026, 4, 1)

    clock.set(utc(2026, 3, 31, 22, 30))  # 23:30 on 31 March in London: not due yet
    assert "Paid in 0 instalments." in runner.invoke(args=["pay-instalments"]).output
    clock.set(utc(2026, 3, 31, 23, 30))  # 00:30 on 1 April in London
    assert "Paid in 1 instalment." in runner.invoke(args=["pay-instalments"]).output
    db.session.expire_all()
    assert db.session.get(Instalment, due.id).transaction_id is not None


def test_a_delivered_order_confirms_itself_after_seven_london_days(app, clock, runner):
    """Delivered at 00:30 London on 25 October (23:30 UTC on the 24th, still summer time);
    seven London days on is 1 November, which is winter time."""
    market = Market()  # the organisation gives holders 7 days to confirm
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, 1))
    orders.act_on_order(market.staff, order.id, "approve")
    orders.act_on_order(market.provider_owner, order.id, "accept")
    clock.set(utc(2026, 10, 24, 23, 30))
    orders.act_on_order(market.provider_owner, order.id, "deliver")
    db.session.commit()
    page = text(browser(app, market.sam).get(f"/orders/{order.id}"))
    assert "it is confirmed automatically on 1 November 2026" in page

    clock.set(utc(2026, 10, 31, 23, 45))  # 23:45 on 31 October in London
    assert "Confirmed 0 orders" in runner.invoke(args=["auto-confirm-orders"]).output
    clock.set(utc(2026, 11, 1, 0, 30))  # 00:30 on 1 November in London
    assert "Confirmed 1 order automatically." in runner.invoke(
        args=["auto-confirm-orders"]).output
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "confirmed"
