"""Closing an account in real headless Chromium at 320 px, checked by axe on every page: Sam
opens "Close your account" from his account page, finds an order still open, cancels it from
the link, comes back, gets his password wrong, then closes his account and withdraws his
review. Afterwards his login is refused like a wrong password, and his review is gone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.reviews import services as reviews
from tests.browser.people import layout_width, log_in, submit
from tests.factories import PASSWORD
from tests.orders.pages import Market, with_order_pages

PHONE = {"width": 320, "height": 700}


@pytest.fixture
def market(app):
    with_order_pages(app)
    market = Market()
    owner = market.provider_owner
    bought = orders.place_order(market.sam, market.sam.id, orders.OrderRequest(
        market.budget.id, market.service.id, 1))
    orders.act_on_order(market.staff, bought.id, "approve")
    orders.act_on_order(owner, bought.id, "accept")
    orders.act_on_order(owner, bought.id, "deliver")
    orders.act_on_order(market.sam, bought.id, "confirm")
    reviews.submit_review(market.sam, bought, reviews.ReviewDetails(
        stars=5, helped="yes", text="Warm, patient and well run.", shown_as="name"))
    market.open_order = orders.place_order(market.sam, market.sam.id, orders.OrderRequest(
        market.budget.id, market.service.id, 2))
    db.session.commit()
    return market


def fits(page, label: str, check_accessibility) -> None:
    check_accessibility(page, label)
    assert layout_width(page) <= 320, label


def test_closing_an_account_at_phone_width(market, new_page, check_accessibility):
    holder, service_id, open_id = market.sam, market.service.id, market.open_order.id
    assert holder.email
    db.session.remove()  # the live server's threads write; hold no read transaction open

    sam = new_page(viewport=PHONE)
    log_in(sam, holder)
    sam.goto("/account")
    with sam.expect_navigation():
        sam.get_by_role("link", name="Close your account").click()
    expect(sam.get_by_role("heading", name="Close your account", exact=True)).to_be_visible()
    expect(sam.locator("main")).to_contain_text("Finish these first")
    fits(sam, "close account, with an order still open", check_accessibility)

    with sam.expect_navigation():
        sam.get_by_role("link", name=f"See order {open_id}").click()
    submit(sam, "Cancel this order")
    submit(sam, "Yes, cancel this order")
    expect(sam.locator(".flash-list")).to_contain_text(f"Order {open_id} is cancelled")

    sam.goto("/account/close")
    expect(sam.locator("main")).not_to_contain_text("Finish these first")
    fits(sam, "close account form", check_accessibility)
    sam.get_by_label("Your password").fill("not my password")
    submit(sam, "Close my account")
    expect(sam.locator(".error-summary")).to_contain_text("Your password is not right")
    fits(sam, "close account form with an error", check_accessibility)

    sam.get_by_label("Your password").fill(PASSWORD)
    sam.get_by_label("Withdraw my published reviews too").check()
    submit(sam, "Close my account")
    expect(sam.get_by_role("heading", name="Your account is closed")).to_be_visible()
    fits(sam, "account closed", check_accessibility)

    sam.goto("/login")
    sam.get_by_label("Email address").fill(holder.email)
    sam.get_by_label("Password").fill(PASSWORD)
    submit(sam, "Log in")
    expect(sam.locator("main")).to_contain_text("The email address or password is not right")
    sam.goto(f"/services/{service_id}")
    expect(sam.locator("main")).not_to_contain_text("Warm, patient and well run.")
