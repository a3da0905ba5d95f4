"""Spend and equality and access in a real browser: a commissioner reaches both from the
overview; axe finds nothing on either page or on the error state; nothing scrolls sideways
at 320 px."""
from __future__ import annotations

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.search.models import SearchLogEntry
from tests.browser.people import layout_width, log_in, submit
from tests.factories import make_funded_budget, make_provider, make_service, make_user


def test_a_commissioner_reads_spend_and_equality(app, page, check_accessibility):
    service = make_service(make_provider(name="Salford Peers"), languages=["en", "ur"],
                           evenings=True)
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=10_000, route="direct")
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=2))
    orders.record_card_payment_succeeded(order, holder)
    for action, who in (("accept", service.provider.owner), ("deliver", service.provider.owner),
                        ("confirm", holder)):
        orders.act_on_order(who, order.id, action)
    db.session.add_all(SearchLogEntry(query_text="", filters={"language": "ur"}, area="SK6",
                                      result_count=0) for _ in range(9))
    db.session.commit()
    log_in(page, make_user("commissioner"))
    page.goto("/commissioning")
    page.get_by_role("link", name="Spend").first.click()
    expect(page.get_by_role("heading", name="Spend", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Spent by month")).to_be_visible()
    expect(page.get_by_text("England, 2023 to 2024")).to_be_visible()
    check_accessibility(page, "spend")

    page.get_by_label("Area: a local authority or postcode district").fill("Narnia")
    submit(page, "Show")
    expect(page.locator(".error-summary")).to_contain_text("Type a Greater Manchester local")
    check_accessibility(page, "spend with an error")
    page.set_viewport_size({"width": 320, "height": 700})
    assert layout_width(page) <= 320

    page.set_viewport_size({"width": 1024, "height": 800})
    page.get_by_role("link", name="Equality and access").first.click()
    expect(page.get_by_role("heading", name="Equality and access")).to_be_visible()
    expect(page.get_by_role("img", name="Languages asked for")).to_be_visible()
    expect(page.get_by_role("row", name="Urdu")).to_be_visible()
    check_accessibility(page, "equality and access")
    page.set_viewport_size({"width": 320, "height": 700})
    assert layout_width(page) <= 320
