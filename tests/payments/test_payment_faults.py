"""When the card payment service is down or too slow, nobody is charged twice, the ledger does
not move, the person is told what happened, and a later retry finishes the job."""
from marketplace.extensions import db
from marketplace.payments.models import CardPayment
from tests.payments.conftest import balances, intents_for, ledger_kinds, order_state, pay

UNREACHABLE = ("We could not reach the card payment service. You have not been charged. "
               "Please try again in a few minutes.")


def payments_of(order):
    db.session.expire_all()
    return list(db.session.scalars(db.select(CardPayment).where(CardPayment.order_id == order.id)))


def succeeded_charges(server, intents):
    ids = {i["id"] for i in intents}
    return [c for c in server.get("/v1/charges", limit=100)["data"]
            if c["status"] == "succeeded" and c["payment_intent"] in ids]


def test_stripe_down_tells_the_person_and_a_retry_later_pays(client, auth, market, stripe_app,
                                                            stripe_down):
    auth.login(market.holder.email)
    stripe_down()
    response = pay(client, market.order.id)
    assert response.status_code == 503
    assert UNREACHABLE in response.get_data(as_text=True)
    assert order_state(market.order) == "awaiting_payment"
    assert ledger_kinds(market.order) == ["reserve"]
    assert balances(market.budget).available_pence == 45_000
    [payment] = payments_of(market.order)
    assert (payment.status, payment.stripe_payment_intent_id) == ("creating", None)

    stripe_app.restore()
    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"
    [payment] = payments_of(market.order)  # the same attempt finished the job
    assert payment.status == "succeeded"
    assert len(intents_for(stripe_app.server, market.order)) == 1


def test_a_lost_answer_to_creating_the_payment_intent_does_not_make_a_second_one(
        client, auth, market, stripe_app, slow_stripe):
    auth.login(market.holder.email)
    slow = slow_stripe("/v1/payment_intents")
    response = pay(client, market.order.id)
    assert response.status_code == 503 and UNREACHABLE in response.get_data(as_text=True)
    assert slow.slowed  # Stripe made the intent; we never heard back
    assert len(intents_for(stripe_app.server, market.order)) == 1
    [payment] = payments_of(market.order)
    assert payment.stripe_payment_intent_id is None

    stripe_app.restore()
    assert pay(client, market.order.id).status_code == 302
    [intent] = intents_for(stripe_app.server, market.order)
    [payment] = payments_of(market.order)
    assert payment.stripe_payment_intent_id == intent["id"] and intent["status"] == "succeeded"
    assert order_state(market.order) == "awaiting_provider"


def test_a_time_out_after_the_bank_charged_the_card_is_finished_by_the_retry_without_a_second_charge(
        client, auth, market, stripe_app, slow_stripe):
    auth.login(market.holder.email)
    slow_stripe("/confirm")
    response = pay(client, market.order.id)
    assert response.status_code == 503 and UNREACHABLE in response.get_data(as_text=True)
    assert order_state(market.order) == "awaiting_payment"
    assert ledger_kinds(market.order) == ["reserve"]
    intents = intents_for(stripe_app.server, market.order)
    assert [i["status"] for i in intents] == ["succeeded"]  # the money did move at Stripe

    stripe_app.restore()
    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"
    intents = intents_for(stripe_app.server, market.order)
    assert len(intents) == 1 and len(succeeded_charges(stripe_app.server, intents)) == 1


def test_a_second_click_while_the_first_is_still_paying_is_refused(client, auth, market,
                                                                   stripe_app):
    from marketplace.times import utcnow

    auth.login(market.holder.email)
    stripe_app.point_at("http://127.0.0.1:1", timeout=0.5)
    pay(client, market.order.id)
    [payment] = payments_of(market.order)
    payment.updated_at = utcnow()  # as if another request were working on it right now
    db.session.commit()
    stripe_app.restore()
    response = pay(client, market.order.id)
    assert response.status_code == 409
    assert "already being processed" in response.get_data(as_text=True)
    assert intents_for(stripe_app.server, market.order) == []
