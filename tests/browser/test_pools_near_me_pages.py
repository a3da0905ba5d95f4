"""The home-area form and "Pools near you" in a real browser at 320 px: axe finds nothing on
the account page (the form, and a district outside the council said beside its field) nor on
the Pools page before and after the area is given; nothing scrolls sideways; the pool in the
holder's area appears once it is saved. The same steps work with scripts off."""
from __future__ import annotations

from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from tests.browser.people import layout_width, log_in, submit
from tests.pools.helpers import group_service, holder_with_budget, organisation, request

PHONE = {"width": 320, "height": 700}


def test_a_holder_adds_their_area_and_sees_the_pool_near_them(new_page, check_accessibility):
    org = organisation()
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    pools.start_pool(sam, sam.id, request(group_service(), open_to="area",
                                          title="Saturday photography walks"),
                     Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    nia, _ = holder_with_budget("Nia Obi", organisation=org, area="", interests=())

    page = new_page(viewport=PHONE)  # axe needs scripts; the steps below work without them
    log_in(page, nia)
    page.goto("/pools")
    expect(page.get_by_text("to see pools near you")).to_be_visible()
    assert "Saturday photography walks" not in page.content()
    check_accessibility(page, "pools without an area")
    assert layout_width(page) <= PHONE["width"]

    with page.expect_navigation():
        page.get_by_role("link", name="Add your area to your account").click()
    check_accessibility(page, "account with the area form")
    page.get_by_label("Your council").select_option(label="Salford")
    page.get_by_label("The first part of your postcode").fill("M14 5AB")
    page.get_by_label("Arts and creative activities").check()
    submit(page, "Save my area")
    expect(page.get_by_text("M14 is not in Salford").first).to_be_visible()
    check_accessibility(page, "account with an area error")
    assert layout_width(page) <= PHONE["width"]

    page.get_by_label("The first part of your postcode").fill("M6 5AB")
    submit(page, "Save my area")
    expect(page.get_by_text("Your area is saved: Salford (M6).")).to_be_visible()

    page.goto("/pools")
    expect(page.get_by_role("heading", name="Pools near you")).to_be_visible()
    expect(page.get_by_text("Saturday photography walks").first).to_be_visible()
    check_accessibility(page, "pools near you")
    assert layout_width(page) <= PHONE["width"]


def test_the_area_form_works_with_scripts_off(new_page):
    nia, _ = holder_with_budget("Nia Obi", organisation=organisation(), area="", interests=())
    page = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(page, nia)
    page.goto("/account")
    page.get_by_label("Your council").select_option(label="Bury")
    page.get_by_label("The first part of your postcode").fill("BL9")
    submit(page, "Save my area")
    expect(page.get_by_text("Your area is saved: Bury (BL9).")).to_be_visible()
    assert layout_width(page) <= PHONE["width"]
    page.goto("/pools")
    expect(page.get_by_text("Pools open to people with a budget in Bury (BL9)")).to_be_visible()
