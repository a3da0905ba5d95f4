"""A budget holder pays a direct-payment order by card on our page, against a real localstripe."""
from marketplace.extensions import db
from marketplace.payments.models import CardPayment
from tests.factories import make_user
from tests.payments.conftest import (BANK_CHECK_CARD, DECLINED_CARD, balances, grant, intents_for,
                                     ledger_kinds, order_state, pay)

DECLINED_TEXT = "Your card was declined. Try another card or contact your card provider."


def card_payments(order) -> list[CardPayment]:
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(CardPayment).where(CardPayment.order_id == order.id).order_by(CardPayment.id)))


def test_the_pay_page_shows_the_amount_and_says_it_is_the_test_server(client, auth, market):
    auth.login(market.holder.email)
    page = client.get(f"/orders/{market.order.id}/pay").get_data(as_text=True)
    assert "£50.00" in page and "Art group" in page
    assert "This is the test payment server" in page
    for number in ("4242 4242 4242 4242", "4000 0000 0000 0341", "4000 0025 0000 3155"):
        assert number in page
    assert '<label for="card_number">Card number' in page


def test_a_good_card_pays_and_the_order_goes_to_the_provider(client, auth, market, stripe_app):
    auth.login(market.holder.email)
    response = pay(client, market.order.id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Payment received" in page and "Card ending 4242" in page

    assert order_state(market.order) == "awaiting_provider"
    # Still committed in the budget until the holder confirms delivery.
    assert balances(market.budget).committed_pence == 5_000
    assert balances(market.budget).available_pence == 45_000
    [payment] = card_payments(market.order)
    assert (payment.status, payment.card_last4, payment.amount_pence) == ("succeeded", "4242", 5_000)
    assert payment.receipt_number in page
    [intent] = intents_for(stripe_app.server, market.order)
    assert (intent["id"], intent["status"], intent["amount"]) == (
        payment.stripe_payment_intent_id, "succeeded", 5_000)
    budget_page = client.get("/budget").get_data(as_text=True)
    assert "£50.00" in budget_page


def test_a_declined_card_moves_no_money_and_a_retry_with_another_card_charges_once(
        client, auth, market, stripe_app):
    auth.login(market.holder.email)
    response = pay(client, market.order.id, DECLINED_CARD)
    assert response.status_code == 402
    page = response.get_data(as_text=True)
    assert DECLINED_TEXT in page
    assert 'id="card_number-error"' in page  # beside the card field
    assert order_state(market.order) == "awaiting_payment"
    assert ledger_kinds(market.order) == ["reserve"]
    assert balances(market.budget).committed_pence == 5_000

    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"
    assert [p.status for p in card_payments(market.order)] == ["failed", "succeeded"]
    assert ledger_kinds(market.order) == ["reserve"]
    intents = intents_for(stripe_app.server, market.order)
    assert sorted(i["status"] for i in intents) == ["canceled", "succeeded"]
    charges = stripe_app.server.get("/v1/charges", limit=100)["data"]
    succeeded = [c for c in charges if c["status"] == "succeeded"
                 and c["payment_intent"] in {i["id"] for i in intents}]
    assert len(succeeded) == 1 and succeeded[0]["amount"] == 5_000


def test_paying_twice_does_not_charge_twice(client, auth, market, stripe_app):
    auth.login(market.holder.email)
    pay(client, market.order.id)
    again = pay(client, market.order.id, follow=True)
    assert "Payment received" in again.get_data(as_text=True)
    assert len(intents_for(stripe_app.server, market.order)) == 1


def test_when_the_bank_asks_for_3d_secure_the_person_confirms_and_the_order_is_paid(
        client, auth, market):
    auth.login(market.holder.email)
    page = pay(client, market.order.id, BANK_CHECK_CARD, follow=True).get_data(as_text=True)
    assert "Your bank needs to confirm this payment" in page
    assert "You have not been charged yet" in page
    assert order_state(market.order) == "awaiting_payment"

    page = client.post(f"/orders/{market.order.id}/pay/authenticate", data={"confirm": "Confirm"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Payment received" in page
    assert order_state(market.order) == "awaiting_provider"


def test_when_the_bank_check_fails_nothing_is_charged_and_another_try_works(client, auth, market):
    auth.login(market.holder.email)
    pay(client, market.order.id, BANK_CHECK_CARD)
    response = client.post(f"/orders/{market.order.id}/pay/authenticate",
                           data={"refuse": "Do not confirm"})
    assert response.status_code == 402
    assert "Your bank did not confirm this payment" in response.get_data(as_text=True)
    assert order_state(market.order) == "awaiting_payment"
    assert ledger_kinds(market.order) == ["reserve"]
    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"


def test_every_request_that_changes_something_at_stripe_carries_an_idempotency_key(
        client, auth, market, stripe_app):
    auth.login(market.holder.email)
    pay(client, market.order.id, DECLINED_CARD)
    pay(client, market.order.id, BANK_CHECK_CARD)
    client.post(f"/orders/{market.order.id}/pay/authenticate", data={"confirm": "Confirm"})
    posts = stripe_app.posts()
    assert len(posts) >= 10
    keys = [r.headers.get("Idempotency-Key") for r in posts]
    assert all(keys), [r.path for r in posts if not r.headers.get("Idempotency-Key")]
    ids = [p.id for p in card_payments(market.order)]
    assert all(any(k.startswith(f"cardpayment-{i}-") for i in ids) for k in keys)
    assert len(set(keys)) == len(keys)  # a different call never reuses a key


def test_a_supporter_with_the_buy_scope_can_pay(client, auth, market):
    supporter = make_user("supporter")
    grant(market.holder, supporter, ["view", "buy"])
    auth.login(supporter.email)
    assert client.get(f"/orders/{market.order.id}/pay").status_code == 200
    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"


def test_nobody_else_can_see_or_use_the_pay_page(client, auth, market):
    other_holder = make_user("holder")
    viewer = make_user("supporter")
    grant(market.holder, viewer, ["view", "plan"])
    for person in (other_holder, viewer, market.provider_owner, make_user("commissioner")):
        auth.login(person.email)
        assert client.get(f"/orders/{market.order.id}/pay").status_code == 404
        assert pay(client, market.order.id).status_code == 404
        auth.logout()
    assert order_state(market.order) == "awaiting_payment"
    assert card_payments(market.order) == []
    assert client.get(f"/orders/{market.order.id}/pay").status_code == 302  # to log in


def test_with_real_stripe_keys_our_page_never_takes_a_card_number(client, auth, market, stripe_app):
    stripe_app.app.config.update(STRIPE_API_BASE="", STRIPE_SECRET_KEY="sk_test_real_account",
                                 STRIPE_PUBLISHABLE_KEY="pk_test_real_account")
    auth.login(market.holder.email)
    response = client.get(f"/orders/{market.order.id}/pay")
    page = response.get_data(as_text=True)
    assert "test payment server" not in page and 'name="card_number"' not in page
    assert 'data-publishable-key="pk_test_real_account"' in page
    assert "https://js.stripe.com" in response.headers["Content-Security-Policy"]
    assert "needs JavaScript" in page
    assert "stripe.elements()" in client.get("/payments/card-form.js").get_data(as_text=True)

    refused = pay(client, market.order.id)  # a raw card number posted anyway
    assert refused.status_code == 422
    assert "Enter your card details" in refused.get_data(as_text=True)
    assert stripe_app.requests == [] and card_payments(market.order) == []
