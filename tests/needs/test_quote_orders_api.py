"""POST /api/v1/orders with quote_id: a holder orders a quote for their need at its price and
sessions, which accepts it; the quote is ordered once, and nobody else can use it."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.api import auth
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.needs.models import Need, Quote
from marketplace.orders.models import Order
from tests.needs.helpers import market, need_form, quote_form
from tests.orders.pages import browser, with_order_pages
from tests.pools.helpers import holder_with_budget


def _headers(user, key):
    _, secret = auth.create_token(user, "Test token", ["read", "order"])
    db.session.commit()
    return {"Authorization": f"Bearer {secret}", "Idempotency-Key": key}


def _quote(app):
    app = with_order_pages(app)
    people = market()
    browser(app, people["sam"]).post("/needs/new", data=need_form(would_pool=None,
                                                                  group_size=""))
    need = db.session.scalars(sa.select(Need)).one()
    browser(app, people["arts"].owner).post(f"/provider/needs/{need.id}",
                                            data=quote_form(people["arts_walks"]))
    return people, need, db.session.scalars(sa.select(Quote)).one()


def _order(client, people, quote, key, *, user=None, budget=None, quantity=6, **changes):
    budget = budget or people["sam_budget"]
    return client.post("/api/v1/orders", headers=_headers(user or people["sam"], key), json={
        "budget_id": budget.id, "service_id": people["arts_walks"].id, "quantity": quantity,
        "quote_id": quote.id, **changes})


def test_ordering_a_quote_through_the_api_charges_its_price_and_accepts_it(app, client):
    people, need, quote = _quote(app)
    before = ledger.budget_balances(people["sam_budget"].id).available_pence
    response = _order(client, people, quote, "quote-order-1", expected_total_pence=7_500)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["unit_price_pence"], body["quantity"], body["total_pence"]) == (1_250, 6, 7_500)
    assert ledger.budget_balances(people["sam_budget"].id).available_pence == before - 7_500
    assert db.session.get(Quote, quote.id).order_id == body["id"]
    assert db.session.get(Need, need.id).state == "accepted"
    # The same key again is the same order; a new key finds the quote already answered.
    assert _order(client, people, quote, "quote-order-1").get_json()["id"] == body["id"]
    again = _order(client, people, quote, "quote-order-2")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_answered"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1


def test_a_quote_is_ordered_only_as_quoted_and_only_by_its_holder(app, client):
    people, need, quote = _quote(app)
    wrong_count = _order(client, people, quote, "k-1", quantity=4)
    assert wrong_count.status_code == 400
    assert "quoted for 6 sessions" in wrong_count.get_json()["error"]["message"]
    other, other_budget = holder_with_budget("Dani Jones")
    stranger = _order(client, people, quote, "k-2", user=other, budget=other_budget,
                      holder_id=other.id)
    assert stranger.status_code == 404
    # The total the client expected at the service's own price is not what the quote costs.
    changed = _order(client, people, quote, "k-3", expected_total_pence=6_000)
    assert changed.status_code == 409 and changed.get_json()["error"]["code"] == "price_changed"
    assert db.session.scalars(sa.select(Order)).all() == []
    assert db.session.get(Quote, quote.id).state == "live"
