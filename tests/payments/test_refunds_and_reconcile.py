"""Money paid by card goes back to the card and to the budget when the order does not go ahead;
the reconcile command finds any disagreement with Stripe."""
import pytest

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.payments.card_payments import refund_order_card_payment
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.payments.stripe_gateway import CardServiceUnavailable
from tests.payments.conftest import (BANK_CHECK_CARD, balances, intents_for, ledger_kinds,
                                     order_state, pay)


def refunds_at_stripe(server, intent_id):
    return [r for r in server.get("/v1/refunds", limit=100)["data"] if r["payment_intent"] == intent_id]


def our_payment(order) -> CardPayment:
    db.session.expire_all()
    return db.session.scalars(db.select(CardPayment).where(CardPayment.order_id == order.id)
                              .order_by(CardPayment.id.desc())).first()


@pytest.fixture
def paid(client, auth, market):
    auth.login(market.holder.email)
    assert pay(client, market.order.id).status_code == 302
    return market


def test_when_the_provider_declines_the_card_is_refunded_once_and_the_budget_gets_it_back(
        paid, stripe_app):
    orders.act_on_order(paid.provider_owner, paid.order.id, "decline")
    db.session.commit()
    assert order_state(paid.order) == "declined"
    assert balances(paid.budget) == ledger.BudgetBalances(50_000, 0, 0, 50_000)
    assert ledger_kinds(paid.order) == ["reserve", "release"]
    payment = our_payment(paid.order)
    [refund] = db.session.scalars(db.select(CardRefund)).all()
    assert (refund.card_payment_id, refund.amount_pence, refund.status) == (payment.id, 5_000, "succeeded")
    [at_stripe] = refunds_at_stripe(stripe_app.server, payment.stripe_payment_intent_id)
    assert (at_stripe["id"], at_stripe["amount"]) == (refund.stripe_refund_id, 5_000)
    assert stripe_app.posts()[-1].headers["Idempotency-Key"] == f"cardpayment-{payment.id}-refund"

    # Asked again (a retry after a lost answer, say): still one refund at Stripe.
    refund_order_card_payment(db.session.get(type(paid.order), paid.order.id))
    db.session.commit()
    assert len(refunds_at_stripe(stripe_app.server, payment.stripe_payment_intent_id)) == 1
    assert db.session.scalar(db.select(db.func.count(CardRefund.id))) == 1


def test_a_refund_whose_answer_was_lost_is_adopted_not_repeated(paid, stripe_app):
    payment = our_payment(paid.order)
    # Stripe made the refund, then we lost everything we had written about it.
    stripe_app.server.post("/v1/refunds", payment_intent=payment.stripe_payment_intent_id)
    orders.act_on_order(paid.provider_owner, paid.order.id, "decline")
    db.session.commit()
    [at_stripe] = refunds_at_stripe(stripe_app.server, payment.stripe_payment_intent_id)
    assert db.session.scalars(db.select(CardRefund)).one().stripe_refund_id == at_stripe["id"]


def test_if_stripe_is_down_the_decline_is_refused_and_nothing_moves(paid, stripe_app, stripe_down):
    stripe_down()
    with pytest.raises(CardServiceUnavailable) as refused:
        orders.act_on_order(paid.provider_owner, paid.order.id, "decline")
    db.session.rollback()
    assert "could not be refunded yet. Nothing has changed." in refused.value.message
    assert order_state(paid.order) == "awaiting_provider"
    assert balances(paid.budget).committed_pence == 5_000
    assert db.session.scalar(db.select(db.func.count(CardRefund.id))) == 0


def test_cancelling_while_the_bank_check_is_pending_cancels_the_payment_intent(
        client, auth, market, stripe_app):
    auth.login(market.holder.email)
    pay(client, market.order.id, BANK_CHECK_CARD)
    orders.act_on_order(market.holder, market.order.id, "cancel")
    db.session.commit()
    assert order_state(market.order) == "cancelled"
    assert balances(market.budget) == ledger.BudgetBalances(50_000, 0, 0, 50_000)
    assert our_payment(market.order).status == "cancelled"
    assert [i["status"] for i in intents_for(stripe_app.server, market.order)] == ["canceled"]
    response = client.post(f"/orders/{market.order.id}/pay/authenticate", data={"confirm": "Confirm"},
                           follow_redirects=True)
    assert "This order is not waiting for a payment" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CardRefund.id))) == 0


def test_cancelling_an_order_nobody_tried_to_pay_calls_nobody(market, stripe_app):
    orders.act_on_order(market.holder, market.order.id, "cancel")
    db.session.commit()
    assert balances(market.budget).available_pence == 50_000
    assert stripe_app.requests == []


def test_reconcile_agrees_then_reports_each_mismatch(paid, stripe_app, runner):
    orders.act_on_order(paid.provider_owner, paid.order.id, "decline")
    db.session.commit()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "agree with Stripe" in result.output

    payment = our_payment(paid.order)
    payment.amount_pence = 4_000
    refund = db.session.scalars(db.select(CardRefund)).one()
    refund.amount_pence = 100
    db.session.commit()
    # Money Stripe took that we never recorded.
    stripe_app.server.post("/v1/payment_intents", amount=700, currency="gbp",
                           payment_method="pm_card_visa", confirm="true",
                           **{"metadata[card_payment_id]": "999999"})
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert f"Card payment {payment.id}: we recorded 4000 pence, Stripe took 5000 pence" in result.output
    assert f"Card refund {refund.id}: we recorded 100 pence, Stripe has 5000 pence" in result.output
    assert "Stripe took 700 pence" in result.output and "card payment 999999" in result.output
    assert "3 mismatch(es)" in result.output
