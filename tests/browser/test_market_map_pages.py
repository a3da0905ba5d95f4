"""The market map in a real browser: a commissioner filters it, opens the biggest gap and
comes back; axe finds nothing on the map, its error state and the gap; nothing scrolls
sideways at 320 px."""
from __future__ import annotations

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.search.models import SearchLogEntry
from tests.browser.people import layout_width, log_in, submit
from tests.factories import make_provider, make_service, make_user


def test_a_commissioner_goes_from_the_map_to_a_gap(app, page, check_accessibility):
    make_service(make_provider(name="Salford Peers"), title="Monday group")
    make_service(make_provider(name="Bury Peers"), local_authorities=["bury"], title="Bury group")
    db.session.add_all(SearchLogEntry(query_text="peer support in urdu",
                                      filters={"category": "peer-support"}, area="salford",
                                      result_count=0) for _ in range(12))
    db.session.commit()
    log_in(page, make_user("commissioner"))
    page.goto("/commissioning")
    page.get_by_role("link", name="Market map").first.click()
    expect(page.get_by_role("heading", name="Market map")).to_be_visible()
    expect(page.get_by_role("img", name="The biggest gaps")).to_be_visible()
    check_accessibility(page, "market map")

    page.get_by_label("Area: a local authority or postcode district").fill("Narnia")
    submit(page, "Show")
    expect(page.locator(".error-summary")).to_contain_text("Type a Greater Manchester local")
    check_accessibility(page, "market map with an error")

    page.get_by_label("Area: a local authority or postcode district").fill("Salford")
    submit(page, "Show")
    page.get_by_role("link", name="Peer support and self-help groups, Salford").click()
    expect(page.get_by_role("heading", name="Peer support and self-help groups in Salford")
           ).to_be_visible()
    expect(page.get_by_text("peer support in urdu")).to_be_visible()
    expect(page.get_by_role("link", name="Bury Peers")).to_be_visible()
    check_accessibility(page, "market gap")

    page.set_viewport_size({"width": 320, "height": 700})
    assert layout_width(page) <= 320
    page.get_by_role("link", name="Back to the market map").click()
    expect(page.get_by_role("heading", name="Market map")).to_be_visible()
    assert layout_width(page) <= 320
