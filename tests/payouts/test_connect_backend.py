"""Paying providers by Stripe Connect transfers. The local Stripe server has no Connect, so the
requests are checked against the stripe library's typed parameters (TransferCreateParams) and
answered with Stripe's own example transfer object (fixtures3.json); nothing goes live."""
import json
from urllib.parse import parse_qsl, urlparse

import pytest
import sqlalchemy as sa
import stripe
from stripe.params import TransferCreateParams

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutRun, ProviderPayoutDetails
from tests.payouts.conftest import example_transfer, login

BRIGHT_ACCOUNT = "acct_1PgafTB7WZ01zgkW"
ZOE_ACCOUNT = "acct_2ZoeCafe"
#: What a payout run may send: the typed parameters of POST /v1/transfers.
TRANSFER_PARAMS = TransferCreateParams.__required_keys__ | TransferCreateParams.__optional_keys__


@pytest.fixture
def connect_market(app, market):
    from tests.factories import make_provider, make_service, make_user

    app.config["PAYOUT_BACKEND"] = "stripe_connect"
    details = db.session.scalars(sa.select(ProviderPayoutDetails)).one()
    details.stripe_account_id = BRIGHT_ACCOUNT
    market.zoe = make_provider(make_user("provider"), name="Zoe's Cafe")
    db.session.add(ProviderPayoutDetails(provider_id=market.zoe.id, stripe_account_id=ZOE_ACCOUNT))
    db.session.commit()
    market.cafe = make_service(market.zoe, title="Cuppa club", price_pence=700)
    return market


def the_run() -> PayoutRun:
    return db.session.scalars(sa.select(PayoutRun)).one()


def as_stripe_request(call: dict) -> tuple[dict, str]:
    """The transfer request our gateway builds from a create_transfer call."""
    params = {"amount": call["amount_pence"], "currency": "gbp",
              "destination": call["destination_account"], "metadata": call["metadata"]}
    return params, call["idempotency_key"]


def check_transfer_shape(params: dict, idempotency_key: str) -> None:
    assert TransferCreateParams.__required_keys__ <= params.keys() <= TRANSFER_PARAMS
    assert isinstance(params["amount"], int) and params["amount"] > 0
    assert params["currency"] == "gbp"
    assert params["destination"].startswith("acct_")
    metadata = params["metadata"]
    assert len(metadata) <= 50
    assert all(isinstance(k, str) and len(k) <= 40 for k in metadata)
    assert all(isinstance(v, str) and len(v) <= 500 for v in metadata.values())
    assert 0 < len(idempotency_key) <= 255


def test_sending_makes_one_transfer_per_provider_in_stripes_shape(app, connect_market, gateway):
    market = connect_market
    market.order(market.sam, market.art, 2)
    market.order(market.ali, market.walk)
    cuppa = market.order(market.ali, market.cafe, 3)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = the_run()
    items = {item.provider_id: item for item in run.items}

    page = client.post(f"/managed/payouts/{run.id}/send", follow_redirects=True).get_data(as_text=True)
    assert "Every transfer was made" in page
    assert len(gateway.calls) == 2
    by_destination = {call["destination_account"]: call for call in gateway.calls}
    bright, zoe = items[market.bright.id], items[market.zoe.id]
    assert by_destination[BRIGHT_ACCOUNT]["amount_pence"] == 6_100
    assert by_destination[BRIGHT_ACCOUNT]["idempotency_key"] == f"payout-item-{bright.id}"
    assert by_destination[ZOE_ACCOUNT]["amount_pence"] == 2_100
    assert by_destination[ZOE_ACCOUNT]["metadata"] == {
        "payout_run_id": str(run.id), "payout_item_id": str(zoe.id), "reference": zoe.reference,
        "order_count": "1", "order_ids": str(cuppa.id),
    }
    for call in gateway.calls:
        check_transfer_shape(*as_stripe_request(call))

    db.session.refresh(run)
    assert run.status == "sent"
    # The transfer ids are Stripe's, read from the example object's "id" field.
    assert {bright.stripe_transfer_id, zoe.stripe_transfer_id} == {
        t["id"] for t in gateway.transfers.values()}
    assert set(example_transfer()) <= set(gateway.transfers[f"payout-item-{bright.id}"])
    assert f"Made ({bright.stripe_transfer_id})" in page
    assert ledger.account_balance(ledger.provider_in_payout_account(market.bright.id)) == 6_100

    client.post(f"/managed/payouts/{run.id}/paid")
    db.session.refresh(run)
    assert run.status == "paid"
    assert ledger.account_balance(ledger.provider_in_payout_account(market.zoe.id)) == 0


def test_a_failed_transfer_is_shown_and_a_retry_pays_nobody_twice(app, connect_market, gateway):
    market = connect_market
    market.order(market.sam, market.art)
    market.order(market.ali, market.cafe)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = the_run()
    gateway.failing_destinations.add(ZOE_ACCOUNT)

    response = client.post(f"/managed/payouts/{run.id}/send")
    page = response.get_data(as_text=True)
    assert "Some transfers could not be made" in page
    assert "Zoe&#39;s Cafe: Stripe could not reach this connected account." in page
    db.session.refresh(run)
    assert run.status == "draft"  # not every line went
    assert ledger.account_balance(ledger.provider_in_payout_account(market.bright.id)) == 2_550
    assert ledger.account_balance(ledger.provider_in_payout_account(market.zoe.id)) == 0
    page = client.post(f"/managed/payouts/{run.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Transfers in this run have already been made, so it cannot be cancelled" in page

    gateway.failing_destinations.clear()
    client.post(f"/managed/payouts/{run.id}/send")
    db.session.refresh(run)
    assert run.status == "sent"
    # Bright Days was not asked again; Zoe's line was retried with the same key.
    items = {item.provider_id: item for item in run.items}
    bright_key = f"payout-item-{items[market.bright.id].id}"
    zoe_key = f"payout-item-{items[market.zoe.id].id}"
    keys = [call["idempotency_key"] for call in gateway.calls]
    assert sorted(keys) == sorted([bright_key, zoe_key, zoe_key])
    assert len(gateway.transfers) == 2
    assert ledger.account_balance(ledger.provider_in_payout_account(market.bright.id)) == 2_550
    assert ledger.account_balance(ledger.provider_in_payout_account(market.zoe.id)) == 700


def test_the_same_key_after_a_lost_answer_returns_the_first_transfer(app, connect_market, gateway):
    """A crash after Stripe made the transfer but before we saved its id: the retry sends the
    same idempotency key, so Stripe answers with the first transfer instead of paying again."""
    from marketplace.payouts import backends

    market = connect_market
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = the_run()
    [line] = payouts.lines_to_pay(run)
    first = backends.StripeConnectBackend(gateway).send([line])  # answer "lost": nothing saved
    client.post(f"/managed/payouts/{run.id}/send")
    db.session.refresh(run)
    assert run.items[0].stripe_transfer_id == first[0].stripe_transfer_id
    assert len(gateway.transfers) == 1


def test_providers_without_a_connected_account_are_left_out(app, connect_market, gateway):
    market = connect_market
    market.order(market.sam, market.listen)  # Quiet Minds: no details at all
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    page = client.get("/managed/payouts").get_data(as_text=True)
    assert "Cannot be paid yet: missing Stripe connected account" in page
    client.post("/managed/payouts/new")
    assert [item.provider_id for item in the_run().items] == [market.bright.id]


class RecordingHttpClient(stripe.RequestsClient):
    """Answers every request with Stripe's example transfer, keeping what was sent."""

    def __init__(self, sent: list):
        super().__init__(timeout=5)
        self.sent = sent

    def request(self, method, url, headers, post_data=None):
        self.sent.append((method, urlparse(url).path, dict(headers or {}), post_data))
        body = dict(example_transfer(), id="tr_recorded", amount=2550, currency="gbp")
        return json.dumps(body), 200, {"Request-Id": "req_test"}


def test_through_the_real_gateway_the_http_request_is_a_valid_transfer_create(app, connect_market, monkeypatch):
    from marketplace.payments import stripe_gateway

    sent: list = []
    monkeypatch.setattr(stripe_gateway, "http_client_factory", lambda timeout: RecordingHttpClient(sent))
    app.config.update(STRIPE_SECRET_KEY="sk_test_recording", STRIPE_API_BASE="http://127.0.0.1:9")
    market = connect_market
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = the_run()
    client.post(f"/managed/payouts/{run.id}/send")

    [(method, path, headers, body)] = sent
    assert (method, path) == ("post", "/v1/transfers")
    assert headers["Idempotency-Key"] == f"payout-item-{run.items[0].id}"
    fields = dict(parse_qsl(body))
    assert {name.split("[")[0] for name in fields} <= TRANSFER_PARAMS
    assert fields["amount"] == "2550" and fields["currency"] == "gbp"
    assert fields["destination"] == BRIGHT_ACCOUNT
    assert fields["metadata[reference]"] == run.items[0].reference
    db.session.refresh(run)
    assert run.status == "sent" and run.items[0].stripe_transfer_id == "tr_recorded"
