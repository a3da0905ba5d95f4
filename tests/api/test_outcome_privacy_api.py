"""The API shows an order's support-plan outcome to exactly those the order page shows it to:
the holder and the supporters who may read their plan, the provider only when the holder chose
to tell them, account managers and commissioners never."""
import pytest

from marketplace.accounts.models import SupporterGrant
from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.times import utcnow
from tests.api.test_orders_api import Market
from tests.budgets.helpers import grant
from tests.factories import make_funded_budget, make_user

OUTCOME = "Get out of the house twice a week"


@pytest.fixture
def market(app):
    market = Market()
    market.outcome = plans.add_outcome(market.holder, OUTCOME, actor=market.holder)
    db.session.commit()
    return market


def _seen(client, market, user, order_id, matches_schema):
    response = client.get(f"/api/v1/orders/{order_id}", headers=market.headers(user))
    if response.status_code == 200:
        matches_schema("Order", response.get_json())
    return response


def test_the_choice_to_tell_the_provider_is_part_of_the_order(client, market, matches_schema):
    placed = market.place(client, outcome_id=market.outcome.id, outcome_shared=True)
    assert placed.status_code == 201
    body = placed.get_json()
    matches_schema("Order", body)
    assert body["outcome_shared"] is True
    assert db.session.get(Order, body["id"]).outcome_shared is True
    # The same key with the other choice is a different order: refused.
    again = market.place(client, outcome_id=market.outcome.id, outcome_shared=False)
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "idempotency_key_reused"


def test_sharing_needs_an_outcome_and_a_true_or_false(client, market, matches_schema):
    nothing = market.place(client, outcome_shared=True)
    assert nothing.status_code == 400, nothing.get_json()
    matches_schema("Error", nothing.get_json())
    assert nothing.get_json()["error"]["parameter"] == "outcome_shared"
    text = market.place(client, key="order-2", outcome_id=market.outcome.id, outcome_shared="yes")
    assert text.status_code == 400
    assert text.get_json()["error"] == {
        "code": "invalid_parameter", "parameter": "outcome_shared",
        "message": "'outcome_shared' must be true or false."}


def test_the_openapi_document_describes_the_choice(openapi_document):
    schemas = openapi_document["components"]["schemas"]
    assert "tell the provider" in schemas["OrderRequest"]["properties"]["outcome_shared"][
        "description"]
    assert "never see it" in schemas["Order"]["properties"]["outcome"]["description"]


@pytest.mark.parametrize("shared", [False, True])
def test_every_role_sees_the_outcome_as_the_page_does(client, market, matches_schema, shared):
    viewer = make_user("supporter", name="Val Viewer")
    grant(market.holder, viewer, ["view"])
    # A grant stored without 'view' or 'plan' (inviting adds 'view' to 'buy' these days).
    buy_only = make_user("supporter", name="Bo Buyer")
    db.session.add(SupporterGrant(
        holder_id=market.holder.id, supporter_id=buy_only.id, invite_email=buy_only.email,
        scopes=["buy"], token_hash="b" * 64, accepted_at=utcnow()))
    db.session.commit()
    order_id = market.place(client, outcome_id=market.outcome.id,
                            outcome_shared=shared).get_json()["id"]
    expected = {"id": market.outcome.id, "text": OUTCOME}

    for person in (market.holder, viewer):
        body = _seen(client, market, person, order_id, matches_schema).get_json()
        assert body["outcome"] == expected and body["outcome_shared"] is shared
    assert _seen(client, market, buy_only, order_id, matches_schema).status_code == 404
    provider = _seen(client, market, market.provider, order_id, matches_schema).get_json()
    assert provider["outcome"] == (expected if shared else None)
    assert provider["outcome_shared"] is (True if shared else None)
    staff = _seen(client, market, market.manager, order_id, matches_schema).get_json()
    assert staff["outcome"] is None and staff["outcome_shared"] is None


def test_a_commissioner_settling_a_dispute_never_sees_the_outcome(client, market,
                                                                   matches_schema):
    direct = make_funded_budget(market.holder, amount_pence=20_000, route="direct")
    order_id = market.place(client, budget_id=direct.id, quantity=1,
                            outcome_id=market.outcome.id, outcome_shared=True).get_json()["id"]
    order = db.session.get(Order, order_id)
    orders.record_card_payment_succeeded(order, market.holder)
    for actor, action in ((market.provider, "accept"), (market.provider, "deliver"),
                          (market.holder, "dispute")):
        orders.act_on_order(actor, order_id, action, note="It did not happen")
    db.session.commit()
    commissioner = make_user("commissioner")
    body = _seen(client, market, commissioner, order_id, matches_schema).get_json()
    assert "resolve_pay" in body["allowed_actions"]
    assert body["outcome"] is None and body["outcome_shared"] is None
