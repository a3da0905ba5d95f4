"""Migration 0008 upgrades a database that already holds orders and card payments: every order
keeps its outcome private (not shared with the provider), and a payment made before Pathways
recorded who paid says only "Paid by card"."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.orders import queries
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from marketplace.payments.models import CardPayment
from tests.database import app_on_empty_database
from tests.factories import make_funded_budget, make_service, make_user


def test_0008_keeps_orders_and_card_payments_and_says_nothing_was_shared_or_recorded(
        migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        holder = make_user("holder", name="Priya Shah")
        budget = make_funded_budget(holder, amount_pence=50_000, route="direct")
        service = make_service(price_pence=2_500, title="Art group")
        outcome = plans.add_outcome(holder, "Paint again", actor=holder)
        order = orders.place_order(holder, holder.id, OrderRequest(
            budget.id, service.id, quantity=2, outcome_id=outcome.id, outcome_shared=True))
        db.session.add(CardPayment(order_id=order.id, amount_pence=5_000, status="succeeded",
                                   idempotency_key="cardpayment-1", paid_by_id=holder.id,
                                   receipt_number="PW-CARD-000001"))
        orders.record_card_payment_succeeded(order)
        db.session.commit()
        order_id, holder_id = order.id, holder.id
        db.session.remove()

        downgrade(revision="0007")  # the database as it was before 0008, rows and all
        with db.engine.begin() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("card_payments")}
            assert "paid_by_id" not in columns
            assert connection.execute(sa.text("SELECT count(*) FROM card_payments")).scalar() == 1
        upgrade()

        order = db.session.get(Order, order_id)
        assert (order.state, order.total_pence, order.outcome.text) == (
            "awaiting_provider", 5_000, "Paint again")
        assert order.outcome_shared is False
        [payment] = db.session.scalars(sa.select(CardPayment)).all()
        assert (payment.status, payment.amount_pence, payment.paid_by_id) == (
            "succeeded", 5_000, None)
        lines = [line.text for line in queries.history(order, order.holder)]
        assert lines[-1].startswith("Paid by card on ")
        # The upgraded schema takes the new facts.
        payment.paid_by_id = holder_id
        order.outcome_shared = True
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
