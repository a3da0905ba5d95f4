"""A run can never pay an order twice: two runs created at the same moment share no order,
the database refuses a second payout row for an order, and a run made from a stale list of
orders simply does not get the ones another run already holds."""
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutItem, PayoutOrder, PayoutRun
from tests.factories import make_account_manager


def test_two_runs_created_at_the_same_moment_share_no_order(app, market):
    placed = [market.order(market.sam, market.art), market.order(market.ali, market.walk),
              market.order(market.sam, market.walk, 2)]
    second_manager = make_account_manager(market.organisation)
    manager_ids = [market.manager.id, second_manager.id]
    order_ids = sorted(order.id for order in placed)
    order_total = sum(order.total_pence for order in placed)
    db.session.remove()

    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def create(user_id):
        with app.app_context():
            actor = db.session.get(User, user_id)
            payer = payouts.payer_for(actor)
            barrier.wait()
            try:
                payouts.create_payout_run(actor, payer, "bacs_file")
                db.session.commit()
                result = "ok"
            except payouts.PayoutRefused as refused:
                db.session.rollback()
                result = refused.message
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=create, args=(user_id,)) for user_id in manager_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 2 and "ok" in outcomes
    paid_orders = db.session.scalars(sa.select(PayoutOrder.order_id)).all()
    assert sorted(paid_orders) == order_ids  # each exactly once
    items = db.session.scalars(sa.select(PayoutItem)).all()
    assert sum(item.amount_pence for item in items) == order_total
    for item in items:
        assert item.amount_pence == db.session.scalar(
            sa.select(sa.func.sum(PayoutOrder.amount_pence)).where(PayoutOrder.item_id == item.id))
    refusals = [o for o in outcomes if o != "ok"]
    # The later one either lost the race for every order, or looked after the first committed.
    assert all(r.startswith(("Another payment run took these orders just now",
                             "There is nothing to pay")) for r in refusals)


def test_the_database_refuses_a_second_payout_row_for_an_order(app, market):
    order = market.order(market.sam, market.art)
    payouts.create_payout_run(market.manager, payouts.payer_for(market.manager), "bacs_file")
    db.session.commit()
    item = db.session.scalars(sa.select(PayoutItem)).one()
    db.session.add(PayoutOrder(item_id=item.id, order_id=order.id, amount_pence=order.total_pence))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_run_built_from_a_stale_list_does_not_get_orders_already_in_a_run(app, market, monkeypatch):
    first = market.order(market.sam, market.art)
    payer = payouts.payer_for(market.manager)
    stale = payouts._payable_orders(payer)  # read before the first run claimed them
    payouts.create_payout_run(market.manager, payer, "bacs_file")
    db.session.commit()
    later = market.order(market.ali, market.walk)
    monkeypatch.setattr(payouts, "_payable_orders", lambda payer: stale + [later])

    created = payouts.create_payout_run(market.manager, payer, "bacs_file")
    db.session.commit()
    assert [o.id for o in payouts.item_orders(created.run.items[0])] == [later.id]
    assert created.run.items[0].amount_pence == later.total_pence

    monkeypatch.setattr(payouts, "_payable_orders", lambda payer: stale)
    with pytest.raises(payouts.PayoutRefused, match="Another payment run took these orders"):
        payouts.create_payout_run(market.manager, payer, "bacs_file")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutRun)) == 2
    assert db.session.scalar(sa.select(PayoutOrder.item_id).where(PayoutOrder.order_id == first.id))
