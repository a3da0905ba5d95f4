"""A price that changes between "Check your order" and "Place order" is never applied silently:
placing refuses, says what changed and shows the check page again with the new figures, on
the pages and (with expected_total_pence) in the API."""
import html
import re

import pytest
import sqlalchemy as sa

from marketplace.api import auth
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.models import Order
from tests.orders.pages import Market, browser, form_token, text


@pytest.fixture
def market(app):
    # Sam's organisation approves anything up to £50 without a person looking.
    market = Market(auto_approve_limit_pence=5_000)
    market.service.price_pence = 1_250
    db.session.commit()
    return market


def _orders():
    return db.session.scalars(sa.select(Order)).all()


def _place_order_form(check_page) -> dict[str, str]:
    """The hidden fields of the check page's "Place order" form, as the browser posts them."""
    page = check_page.get_data(as_text=True)
    form = page[page.index('<form method="post"'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def _check(client, market, **changes):
    values = market.order_form(token=form_token(client.get(f"/services/{market.service.id}")),
                               **{"quantity": 1, **changes})
    for name in ("confirmed_total_pence", "confirmed_unit_price_pence", "confirmed_price_unit"):
        values.pop(name)  # the order form does not send these: the check page adds them
    check = client.get(f"/services/{market.service.id}/order/check", query_string=values)
    assert check.status_code == 200, text(check)
    return check


def _provider_changes_the_service(market, **fields):
    for name, value in fields.items():
        setattr(market.service, name, value)
    db.session.commit()


def test_a_price_raised_after_checking_is_refused_and_the_new_price_shown(app, market):
    sam = browser(app, market.sam)
    check = _check(sam, market)
    assert "Total for this order £12.50" in text(check)
    _provider_changes_the_service(market, price_pence=4_500)

    refused = sam.post(f"/services/{market.service.id}/order", data=_place_order_form(check))

    assert refused.status_code == 409
    page = text(refused)
    assert "Check your order" in page and "There is a problem" in page
    assert "the price is now £45.00 per session, not £12.50" in page
    assert "the total is now £45.00, not £12.50" in page
    assert "Total for this order £45.00" in page  # the check page again, with the new figures
    assert _orders() == []
    assert ledger.budget_balances(market.budget.id).committed_pence == 0

    # Pressing "Place order" on the new check page agrees to the new price.
    placed = sam.post(f"/services/{market.service.id}/order", data=_place_order_form(refused))
    assert placed.status_code == 302
    [order] = _orders()
    assert order.total_pence == 4_500
    assert ledger.budget_balances(market.budget.id).committed_pence == 4_500


@pytest.mark.parametrize("quantity, change, said", [
    (1, {"price_unit": "hour"}, "it is now priced per hour, not per session"),  # same price
    (2, {"price_pence": 1_000}, "the total is now £20.00, not £25.00"),  # cheaper: still shown
])
def test_any_change_to_what_was_checked_is_shown_before_placing(app, market, quantity, change,
                                                                said):
    sam = browser(app, market.sam)
    check = _check(sam, market, quantity=quantity)
    _provider_changes_the_service(market, **change)

    refused = sam.post(f"/services/{market.service.id}/order", data=_place_order_form(check))

    assert refused.status_code == 409
    assert said in text(refused)
    assert _orders() == []


def test_an_unchanged_price_places_the_order_as_checked(app, market):
    sam = browser(app, market.sam)
    check = _check(sam, market)
    placed = sam.post(f"/services/{market.service.id}/order", data=_place_order_form(check))
    assert placed.status_code == 302
    assert [order.total_pence for order in _orders()] == [1_250]


def test_placing_without_the_check_page_shows_the_check_page(app, market):
    sam = browser(app, market.sam)
    values = market.order_form(token="skipped-check-1", quantity=1)
    for name in ("confirmed_total_pence", "confirmed_unit_price_pence", "confirmed_price_unit"):
        values.pop(name)
    response = sam.post(f"/services/{market.service.id}/order", data=values)
    assert response.status_code == 400
    assert "Check your order, then press “Place order”" in text(response)
    assert "Total for this order £12.50" in text(response)
    assert _orders() == []


def test_a_price_rise_the_budget_cannot_cover_says_both(app, market):
    sam = browser(app, market.sam)
    check = _check(sam, market)
    _provider_changes_the_service(market, price_pence=60_000)

    refused = sam.post(f"/services/{market.service.id}/order", data=_place_order_form(check))

    assert refused.status_code == 409
    page = text(refused)
    assert "the price is now £600.00 per session, not £12.50" in page
    assert "There is not enough left in this budget" in page
    assert _orders() == []


# ---------------------------------------------------------------- the API


def _api(market, key):
    _, secret = auth.create_token(market.sam, "App", ["read", "order"])
    db.session.commit()
    return {"Authorization": f"Bearer {secret}", "Idempotency-Key": key}


def test_the_api_refuses_a_total_that_is_no_longer_the_price(client, market):
    headers = _api(market, "price-check-1")
    body = {"budget_id": market.budget.id, "service_id": market.service.id, "quantity": 1,
            "expected_total_pence": 1_250}
    _provider_changes_the_service(market, price_pence=4_500)

    refused = client.post("/api/v1/orders", headers=headers, json=body)

    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "price_changed" and error["parameter"] == "expected_total_pence"
    assert "the total is now £45.00, not £12.50" in error["message"]
    assert _orders() == [] and ledger.budget_balances(market.budget.id).committed_pence == 0

    placed = client.post("/api/v1/orders", headers=headers,
                         json={**body, "expected_total_pence": 4_500})
    assert placed.status_code == 201 and placed.get_json()["total_pence"] == 4_500


def test_the_api_places_without_an_expected_total_as_before(client, market):
    body = {"budget_id": market.budget.id, "service_id": market.service.id, "quantity": 2}
    placed = client.post("/api/v1/orders", headers=_api(market, "no-total-1"), json=body)
    assert placed.status_code == 201 and placed.get_json()["total_pence"] == 2_500


def test_the_document_describes_the_expected_total_and_its_409(client):
    document = client.get("/api/v1/openapi.json").get_json()
    request = document["components"]["schemas"]["OrderRequest"]
    assert "expected_total_pence" in request["properties"]
    assert "expected_total_pence" not in request.get("required", [])
    conflict = document["paths"]["/orders"]["post"]["responses"]["409"]["description"]
    assert "price_changed" in conflict
