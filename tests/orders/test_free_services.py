"""Free community activities: listed as free, joined by contacting the provider, never ordered
and never run through the ledger (ordering one gave a 500 in the API)."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger.models import LedgerLine
from marketplace.orders.models import Order
from tests.orders.pages import anonymous, browser, text


def _free(market):
    market.service.price_pence = 0
    db.session.commit()
    return market.service


def test_a_free_service_says_free_and_how_to_join_without_a_budget(app, market):
    service = _free(market)
    for client in (anonymous(app), browser(app, market.sam)):
        page = text(client.get(f"/services/{service.id}"))
        assert "Free" in page and "£0.00" not in page
        assert "How to join" in page and "You do not need a budget" in page
        assert "Check your order" not in page
    form_page = text(browser(app, market.sam).get(f"/services/{service.id}/order"))
    assert "This is free, so there is nothing to order" in form_page


def test_ordering_a_free_service_is_refused_plainly_and_nothing_moves(app, market):
    service = _free(market)
    lines_before = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerLine))
    sam = browser(app, market.sam)
    placed = sam.post(f"/services/{service.id}/order", data=market.order_form(token="free-1"))
    assert placed.status_code == 400
    assert "This is free, so there is nothing to order" in text(placed)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerLine)) == lines_before


def test_the_api_refuses_an_order_for_a_free_service_with_a_json_error(app, market, client):
    from marketplace.api import auth

    service = _free(market)
    _, token = auth.create_token(market.sam, "Test token", ["read", "order"])
    db.session.commit()
    response = client.post("/api/v1/orders", headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": "free-api-1"},
        json={"budget_id": market.budget.id, "service_id": service.id, "quantity": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "free_service"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
