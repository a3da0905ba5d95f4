"""Who paid by card is recorded and said as fits whoever reads it: "Paid by card by you",
"by Priya Shah", "by Jo Broker, on behalf of Priya Shah"; never "automatically by Pathways"
when a person paid. A supporter paying is told whose order and budget it is."""
import html
import re

import pytest

from marketplace.api import auth as api_auth
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.payments.models import CardPayment
from tests.factories import make_user
from tests.payments.conftest import grant, pay
from tests.payments.test_webhooks import (deliver, event_for, lost_confirm_answer,  # noqa: F401
                                          the_payment)


def _words(response) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _history_as(client, auth, person, order) -> str:
    auth.logout()
    auth.login(person.email)
    return _words(client.get(f"/orders/{order.id}"))


def _api_events(client, person, order) -> list[dict]:
    _, secret = api_auth.create_token(person, "Test", ["read"])
    db.session.commit()
    return client.get(f"/api/v1/orders/{order.id}",
                      headers={"Authorization": f"Bearer {secret}"}).get_json()["events"]


def test_a_supporter_paying_is_named_as_paying_on_the_holders_behalf(client, auth, market):
    jo = make_user("supporter", name="Jo Broker")
    grant(market.holder, jo, ["view", "buy"])
    auth.login(jo.email)
    form = _words(client.get(f"/orders/{market.order.id}/pay"))
    assert "Pay for Priya Shah's order by card" in form
    assert "The money comes from Priya Shah's direct-payment budget" in form
    assert "your direct-payment budget" not in form

    paid = client.get(pay(client, market.order.id).headers["Location"])
    words = _words(paid)
    assert "Paid by You, on behalf of Priya Shah" in words
    assert "asked to accept Priya Shah's order" in words
    db.session.expire_all()
    [payment] = db.session.scalars(db.select(CardPayment)).all()
    assert payment.paid_by_id == jo.id

    assert "Paid by card by you, on behalf of Priya Shah on" in _words(
        client.get(f"/orders/{market.order.id}"))
    holder_sees = _history_as(client, auth, market.holder, market.order)
    assert "Paid by card by Jo Broker, on your behalf on" in holder_sees
    provider_sees = _history_as(client, auth, market.provider_owner, market.order)
    assert "Paid by card by Jo Broker, on behalf of Priya Shah on" in provider_sees
    for page in (holder_sees, provider_sees):
        assert "automatically by Pathways" not in page
    assert _api_events(client, market.holder, market.order)[-1]["done_by"] == (
        "by Jo Broker on behalf of Priya Shah")


def test_the_holder_paying_is_named_too(client, auth, market):
    auth.login(market.holder.email)
    assert pay(client, market.order.id).status_code == 302
    assert "Paid by You" in _words(client.get(f"/orders/{market.order.id}/pay"))
    assert "Paid by card by you on" in _words(client.get(f"/orders/{market.order.id}"))
    assert "Paid by card by Priya Shah on" in _history_as(client, auth, market.provider_owner,
                                                          market.order)
    assert _api_events(client, market.provider_owner, market.order)[-1]["done_by"] == (
        "by Priya Shah")


def test_a_payment_from_before_payers_were_recorded_says_only_paid_by_card(client, auth,
                                                                          market):
    orders.record_card_payment_succeeded(market.order)  # as an upgraded database holds it
    db.session.commit()
    auth.login(market.holder.email)
    words = _words(client.get(f"/orders/{market.order.id}"))
    assert "Paid by card on" in words
    assert "automatically by Pathways" not in words
    assert _api_events(client, market.holder, market.order)[-1]["done_by"] == (
        "by card; who paid was not recorded")


@pytest.mark.usefixtures("lost_confirm_answer")
def test_the_payer_is_named_when_stripe_tells_us_by_webhook(client, auth, market, stripe_app):
    jo = make_user("supporter", name="Jo Broker")
    grant(market.holder, jo, ["view", "buy"])
    auth.login(jo.email)
    assert pay(client, market.order.id).status_code == 503  # our answer from Stripe was lost
    payment = the_payment(market.order)
    assert payment.paid_by_id == jo.id
    event = event_for(stripe_app.server, "payment_intent.succeeded",
                      payment.stripe_payment_intent_id)
    assert deliver(client, event).get_json()["outcome"] == "processed"
    assert "Paid by card by Jo Broker, on your behalf on" in _history_as(
        client, auth, market.holder, market.order)
