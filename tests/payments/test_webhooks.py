"""Stripe webhooks: verified by signature, processed exactly once, and safe to arrive first."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from marketplace.extensions import db
from marketplace.orders.models import OrderEvent
from marketplace.payments import stripe_gateway
from marketplace.payments.models import CardPayment, WebhookEvent
from marketplace.payments.stripe_gateway import CardServiceUnavailable
from tests.payments.conftest import DECLINED_CARD, ledger_kinds, order_state, pay
from tests.stripe_plugin import TEST_WEBHOOK_SECRET, event_payload, sign_webhook

WEBHOOK = "/payments/stripe/webhook"


def event_for(server, event_type: str, intent_id: str) -> dict:
    [event] = [e for e in server.events(event_type) if e["data"]["object"]["id"] == intent_id]
    return event


def deliver(client, event: dict, **signing):
    body = event_payload(event)
    return client.post(WEBHOOK, data=body, content_type="application/json",
                       headers={"Stripe-Signature": sign_webhook(body, **signing)})


def paid_events(order) -> list[OrderEvent]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_state == "awaiting_provider")))


def the_payment(order) -> CardPayment:
    db.session.expire_all()
    return db.session.scalars(db.select(CardPayment).where(CardPayment.order_id == order.id)
                              .order_by(CardPayment.id.desc())).first()


@pytest.fixture
def lost_confirm_answer(monkeypatch):
    """Stripe confirms the payment but our request never hears back (a time-out)."""
    real_confirm = stripe_gateway.confirm_payment_intent

    def confirm(*args, **kwargs):
        try:
            real_confirm(*args, **kwargs)
        except stripe_gateway.CardDeclined:
            pass
        raise CardServiceUnavailable(stripe_gateway.UNAVAILABLE_MESSAGE)

    monkeypatch.setattr(stripe_gateway, "confirm_payment_intent", confirm)
    return real_confirm


def test_a_signed_success_event_pays_the_order_when_our_own_answer_was_lost(
        client, auth, market, stripe_app, lost_confirm_answer):
    auth.login(market.holder.email)
    assert pay(client, market.order.id).status_code == 503
    assert order_state(market.order) == "awaiting_payment"
    payment = the_payment(market.order)
    event = event_for(stripe_app.server, "payment_intent.succeeded", payment.stripe_payment_intent_id)

    response = deliver(client, event)
    assert response.status_code == 200 and response.get_json()["outcome"] == "processed"
    assert order_state(market.order) == "awaiting_provider"
    assert the_payment(market.order).status == "succeeded"
    assert ledger_kinds(market.order) == ["reserve"]
    page = client.get(f"/orders/{market.order.id}/pay").get_data(as_text=True)
    assert "Payment received" in page


def test_a_replayed_event_changes_nothing(client, auth, market, stripe_app, lost_confirm_answer):
    auth.login(market.holder.email)
    pay(client, market.order.id)
    event = event_for(stripe_app.server, "payment_intent.succeeded",
                      the_payment(market.order).stripe_payment_intent_id)
    assert deliver(client, event).get_json()["outcome"] == "processed"
    replay = deliver(client, event)
    assert replay.status_code == 200 and replay.get_json()["outcome"] == "duplicate"
    assert len(paid_events(market.order)) == 1
    assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 1


@pytest.mark.parametrize("signing, reason", [
    ({"secret": "whsec_someone_else"}, "forged"),
    ({"timestamp": int(time.time()) - 301}, "older than five minutes"),
])
def test_a_badly_signed_event_is_refused_and_changes_nothing(client, auth, market, stripe_app,
                                                             lost_confirm_answer, signing, reason):
    auth.login(market.holder.email)
    pay(client, market.order.id)
    event = event_for(stripe_app.server, "payment_intent.succeeded",
                      the_payment(market.order).stripe_payment_intent_id)
    response = deliver(client, event, **signing)
    assert response.status_code == 400, reason
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert order_state(market.order) == "awaiting_payment"
    assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 0


def test_an_unsigned_event_is_refused(client):
    response = client.post(WEBHOOK, data=b'{"id": "evt_1", "type": "payment_intent.succeeded"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The Stripe-Signature header is missing."


def test_the_webhook_arriving_before_our_own_response_leaves_one_payment(
        app, client, auth, market, stripe_app, monkeypatch):
    """Stripe's event is delivered (by another request) between Stripe confirming the payment and
    our page hearing back: the order moves once, and the page still says the payment went through."""
    real_confirm = stripe_gateway.confirm_payment_intent
    deliveries = []

    def confirm_then_webhook(intent_id, *args, **kwargs):
        result = real_confirm(intent_id, *args, **kwargs)
        event = event_for(stripe_app.server, "payment_intent.succeeded", intent_id)
        deliveries.append(deliver(app.test_client(), event).get_json())
        return result

    monkeypatch.setattr(stripe_gateway, "confirm_payment_intent", confirm_then_webhook)
    auth.login(market.holder.email)
    page = pay(client, market.order.id, follow=True).get_data(as_text=True)
    assert deliveries == [{"received": True, "outcome": "processed"}]
    assert "Payment received" in page
    assert order_state(market.order) == "awaiting_provider"
    assert len(paid_events(market.order)) == 1
    assert the_payment(market.order).status == "succeeded"
    assert ledger_kinds(market.order) == ["reserve"]


def test_a_failure_event_is_recorded_and_shown_then_another_card_works(
        client, auth, market, stripe_app, lost_confirm_answer, monkeypatch):
    auth.login(market.holder.email)
    pay(client, market.order.id, DECLINED_CARD)
    payment = the_payment(market.order)
    assert payment.status != "failed"  # we never heard the answer
    event = event_for(stripe_app.server, "payment_intent.payment_failed",
                      payment.stripe_payment_intent_id)
    assert deliver(client, event).status_code == 200
    payment = the_payment(market.order)
    assert payment.status == "failed"
    assert payment.failure_message.startswith("Your card was declined.")
    page = client.get(f"/orders/{market.order.id}/pay").get_data(as_text=True)
    assert "Your last try did not go through. Your card was declined." in page

    monkeypatch.setattr(stripe_gateway, "confirm_payment_intent", lost_confirm_answer)
    assert pay(client, market.order.id).status_code == 302
    assert order_state(market.order) == "awaiting_provider"


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_webhook_really_sent_by_localstripe_verifies(client, auth, market, stripe_app):
    recorder = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    recorder.received = []
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    try:
        stripe_app.server.post("/_config/webhooks/pathways-tests",
                               url=f"http://127.0.0.1:{recorder.server_address[1]}/hook",
                               secret=TEST_WEBHOOK_SECRET)
        auth.login(market.holder.email)
        pay(client, market.order.id)
        intent_id = the_payment(market.order).stripe_payment_intent_id
        deadline = time.monotonic() + 5
        wanted = None
        while wanted is None and time.monotonic() < deadline:
            wanted = next(((body, sig) for body, sig in recorder.received
                           if intent_id.encode() in body and b"payment_intent.succeeded" in body), None)
            time.sleep(0.1)
        assert wanted is not None, "localstripe sent no webhook"
        body, signature = wanted
        response = client.post(WEBHOOK, data=body, content_type="application/json",
                               headers={"Stripe-Signature": signature})
        assert response.status_code == 200  # the payment was already recorded: a no-op
        assert len(paid_events(market.order)) == 1
        tampered = client.post(WEBHOOK, data=body.replace(b"5000", b"5001"),
                               content_type="application/json",
                               headers={"Stripe-Signature": signature})
        assert tampered.status_code == 400
    finally:
        requests.post(stripe_app.server.base_url + "/_config/webhooks/pathways-tests",
                      data={"url": "http://127.0.0.1:9/nowhere", "secret": "x"}, timeout=5)
        recorder.shutdown()
        recorder.server_close()


def test_checking_again_after_a_lost_answer_shows_the_decline_without_a_webhook(
        client, auth, market, lost_confirm_answer):
    auth.login(market.holder.email)
    assert pay(client, market.order.id, DECLINED_CARD).status_code == 503
    page = client.get(f"/orders/{market.order.id}/pay/check", follow_redirects=True)
    assert "Your last try did not go through. Your card was declined." in page.get_data(as_text=True)
    assert the_payment(market.order).status == "failed"
    assert order_state(market.order) == "awaiting_payment"
    assert ledger_kinds(market.order) == ["reserve"]


def _malformed_variants(event: dict) -> list[tuple[str, object]]:
    intent = event["data"]["object"]
    without_data = {key: value for key, value in event.items() if key != "data"}
    without_id = {**event, "data": {**event["data"], "object": {
        key: value for key, value in intent.items() if key != "id"}}}
    string_metadata = {**event, "data": {**event["data"], "object": {
        **intent, "id": "pi_unknown", "metadata": "card_payment_id=1"}}}
    return [("a list", []), ("an event without data", without_data),
            ("a payment intent without an id", without_id),
            ("metadata as a string", string_metadata), ("a number", 7)]


def test_signed_json_that_is_not_a_proper_event_is_refused_and_changes_nothing(
        client, auth, market, stripe_app, lost_confirm_answer, caplog):
    auth.login(market.holder.email)
    pay(client, market.order.id)
    event = event_for(stripe_app.server, "payment_intent.succeeded",
                      the_payment(market.order).stripe_payment_intent_id)
    for label, body in _malformed_variants(event):
        payload = event_payload(body)
        response = client.post(WEBHOOK, data=payload, content_type="application/json",
                               headers={"Stripe-Signature": sign_webhook(payload)})
        assert response.status_code == 400, label
        assert response.is_json, label
        assert response.get_json()["error"]["code"] == "malformed_event", label
    assert caplog.text.count("Refused a signed Stripe webhook that is not a proper event") == 5
    assert order_state(market.order) == "awaiting_payment"
    assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 0
    # The real event still works afterwards.
    assert deliver(client, event).status_code == 200
    assert order_state(market.order) == "awaiting_provider"
