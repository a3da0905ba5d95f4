"""Each way an order ends has its own words in every list: a refused order is "Not approved",
a dispute settled with the money back is "Money returned after a dispute", and only an order
somebody cancelled says "Cancelled"."""
import re

import pytest

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.factories import make_user
from tests.orders.pages import browser, grant, text

WORDS = {
    "cancelled": "Cancelled",
    "not_approved": "Not approved",
    "released": "Money returned after a dispute",
    "declined": "Declined by the provider",
    "refunded": "Refunded to the budget",
    "confirmed": "Confirmed: the provider will be paid",
}


@pytest.fixture
def ended(market):
    """One of Sam's orders ended each way, by the people who end orders that way."""
    sam, staff, bea = market.sam, market.staff, market.provider_owner
    steps = {
        "cancelled": [(sam, "cancel")],
        "not_approved": [(staff, "reject")],
        "released": [(staff, "approve"), (bea, "accept"), (bea, "deliver"), (sam, "dispute"),
                     (staff, "resolve_release")],
        "declined": [(staff, "approve"), (bea, "decline")],
        "refunded": [(staff, "approve"), (bea, "accept"), (bea, "deliver"), (sam, "confirm"),
                     (bea, "refund")],
        "confirmed": [(staff, "approve"), (bea, "accept"), (bea, "deliver"), (sam, "dispute"),
                      (staff, "resolve_pay")],
    }
    made = {}
    for name, actions in steps.items():
        order = orders.place_order(sam, sam.id, OrderRequest(market.budget.id, market.service.id, 1))
        for actor, action in actions:
            orders.act_on_order(actor, order.id, action, note="Because")
        made[name] = order
    db.session.commit()
    return made


def _row(html: str, order_id: int, tag: str) -> str:
    """The words of the table row (tr) or card (article) that links to this order."""
    for block in re.findall(rf"<{tag}\b.*?</{tag}>", html, flags=re.S):
        if f'href="/orders/{order_id}"' in block:
            return " ".join(re.sub(r"<[^>]+>", " ", block).replace("&#39;", "'").split())
    raise AssertionError(f"order {order_id} is not listed")


def _each_has_its_own_words(html: str, ended: dict, tag: str) -> None:
    for name, order in ended.items():
        row = _row(html, order.id, tag)
        assert WORDS[name] in row, (name, row)
        others = [words for other, words in WORDS.items() if other != name]
        assert not any(words in row for words in others), (name, row)


def test_my_orders_and_a_supporters_list_say_how_each_order_ended(app, market, ended):
    _each_has_its_own_words(browser(app, market.sam).get("/orders").get_data(as_text=True),
                            ended, "tr")
    jo = make_user("supporter", name="Jo Broker")
    grant(market.sam, jo, ["view"])
    listed = browser(app, jo).get(f"/people/{market.sam.id}/orders").get_data(as_text=True)
    _each_has_its_own_words(listed, ended, "tr")


def test_the_provider_and_the_organisations_lists_say_how_each_order_ended(app, market, ended):
    inbox = browser(app, market.provider_owner).get("/provider/orders").get_data(as_text=True)
    _each_has_its_own_words(inbox, ended, "article")
    managed = browser(app, market.staff).get("/managed").get_data(as_text=True)
    _each_has_its_own_words(managed, ended, "tr")


def test_the_filter_shows_one_way_of_ending_at_a_time(app, market, ended):
    sam = browser(app, market.sam)
    page = sam.get("/orders", query_string={"state": "not_approved"})
    assert page.status_code == 200
    words = text(page)
    assert f"Order {ended['not_approved'].id}:" in words
    assert f"Order {ended['cancelled'].id}:" not in words
    cancelled = text(sam.get("/orders", query_string={"state": "cancelled"}))
    assert f"Order {ended['cancelled'].id}:" in cancelled
    assert f"Order {ended['not_approved'].id}:" not in cancelled
    assert f"Order {ended['released'].id}:" not in cancelled


def test_the_order_page_invoice_and_api_use_the_same_words(app, client, market, ended):
    sam = browser(app, market.sam)
    refused = text(sam.get(f"/orders/{ended['not_approved'].id}"))
    assert "Status: Not approved" in refused
    assert "did not approve this order" in refused and "This order is cancelled" not in refused
    released = text(sam.get(f"/orders/{ended['released'].id}"))
    assert "Status: Money returned after a dispute" in released
    invoice = text(browser(app, market.provider_owner).get(
        f"/provider/orders/{ended['released'].id}/invoice"))
    assert "Money returned after a dispute: there is nothing to pay" in invoice
    assert "did not go ahead" not in invoice

    from marketplace.api import auth

    _, secret = auth.create_token(market.sam, "Test", ["read"])
    db.session.commit()
    for name in ("cancelled", "not_approved", "released"):
        body = client.get(f"/api/v1/orders/{ended[name].id}",
                          headers={"Authorization": f"Bearer {secret}"}).get_json()
        assert body["state"] == {"value": "cancelled", "label": WORDS[name]}
        assert body["events"][-1]["to_state"]["label"] == WORDS[name]
