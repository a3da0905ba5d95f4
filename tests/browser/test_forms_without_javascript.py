"""The forms issue 7 changed, used in a browser with JavaScript turned off, on a 320 px phone:
day, month and year boxes refusing a past start, the order checked and placed, the cancel
confirmation step saying what happens to the money, a past plan review date refused, and the
test card form with its required fields. axe-core needs JavaScript, so the same error pages
are then checked for WCAG 2.2 AA in an ordinary browser."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.models import Order
from marketplace.times import london_today
from tests.browser.people import layout_width, log_in, submit
from tests.factories import (
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)

PHONE = {"width": 320, "height": 700}


@pytest.fixture
def no_script_page(new_page):
    return new_page(java_script_enabled=False, viewport=PHONE)


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def fill_date(page, name: str, day, month, year) -> None:
    page.fill(f"#{name}", str(day))
    page.fill(f"#{name}-month", str(month))
    page.fill(f"#{name}-year", str(year))


def assert_fits_the_phone(page, label: str) -> None:
    width = layout_width(page)
    assert width <= PHONE["width"], f"the {label} page is {width} px wide on a 320 px phone"


def order_form_with_past_start(page, service) -> None:
    today = london_today()
    page.goto(f"/services/{service.id}")
    box = page.locator("section.order-box")
    box.get_by_label(re.compile(r"available$")).check()
    box.get_by_label("How many").fill("2")
    fill_date(page, "starts_on", today.day, today.month, today.year - 1)
    submit(page, "Check your order")


def test_order_and_cancel_without_javascript(no_script_page, page, check_accessibility):
    sam = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(sam, amount_pence=50_000, auto_approve_limit_pence=0)
    service = make_service(make_provider(name="Bright Days"), title="Art group",
                           price_pence=2_500)

    phone = no_script_page
    log_in(phone, sam)
    order_form_with_past_start(phone, service)
    assert phone.title().startswith("Error:")
    summary = phone.locator(".error-summary").inner_text()
    assert "The start date cannot be in the past" in summary
    assert "The start date cannot be in the past" in phone.locator(
        ".date-field.field-has-error").inner_text()
    assert db.session.query(Order).count() == 0
    assert_fits_the_phone(phone, "order form with an error")

    today = london_today()
    fill_date(phone, "starts_on", today.day, today.month, today.year)
    submit(phone, "Check your order")
    assert phone.locator("h1").inner_text() == "Check your order"
    assert re.search(r"Total for this order\s+£50\.00",
                     phone.locator("table.order-sums").inner_text())
    assert_fits_the_phone(phone, "check your order")
    submit(phone, "Place order")
    order = db.session.query(Order).one()
    assert phone.url.endswith(f"/orders/{order.id}")
    assert ledger.budget_balances(budget.id).committed_pence == 5_000

    # Cancelling asks first and says what happens to the money; nothing changes until "Yes".
    submit(phone, "Cancel this order")
    assert phone.locator("h1").inner_text() == "Are you sure you want to cancel this order?"
    assert "The £50.00 set aside goes back to the budget" in main_text(phone)
    db.session.expire_all()
    assert db.session.get(Order, order.id).state != "cancelled"
    assert_fits_the_phone(phone, "cancel confirmation")
    submit(phone, "Yes, cancel this order")
    assert f"Order {order.id} is cancelled. The money is back in the budget." in main_text(phone)
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "cancelled"
    assert ledger.budget_balances(budget.id).committed_pence == 0

    # A plan review date in the past is refused beside the field.
    phone.goto("/plan")
    phone.fill("#about_me", "Painting and my allotment")
    fill_date(phone, "review_on", today.day, today.month, today.year - 1)
    submit(phone, "Save the plan")
    assert phone.title().startswith("Error:")
    assert "Choose a review date in the future" in phone.locator(
        ".date-field.field-has-error").inner_text()
    assert_fits_the_phone(phone, "plan with an error")

    # The same error pages, checked by axe in a browser with JavaScript.
    log_in(page, sam)
    order_form_with_past_start(page, service)
    check_accessibility(page, "order form with a past start date")
    page.goto("/plan")
    fill_date(page, "review_on", today.day, today.month, today.year - 1)
    submit(page, "Save the plan")
    check_accessibility(page, "plan with a past review date")


def test_test_card_form_without_javascript(no_script_page, page, stripe_app,
                                           check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    priya = make_user("holder", name="Priya Shah")
    make_funded_budget(priya, amount_pence=50_000, route="direct")
    service = make_service(make_provider(name="Salford Arts"), title="Art group",
                           price_pence=2_500)

    phone = no_script_page
    log_in(phone, priya)
    phone.goto(f"/services/{service.id}")
    box = phone.locator("section.order-box")
    box.get_by_label(re.compile(r"available$")).check()
    box.get_by_label("How many").fill("1")
    submit(phone, "Check your order")
    submit(phone, "Place order")
    assert phone.url.endswith("/pay")
    for label in ("Card number", "Expiry month", "Expiry year"):
        assert "(optional)" not in phone.locator(f"label:has-text('{label}')").inner_text()

    # Nothing filled in: the title says Error and each field says what to fix.
    submit(phone, re.compile("^Pay"))
    assert phone.title().startswith("Error:")
    for field in ("card_number", "expiry_month", "expiry_year", "cvc"):
        expect(phone.locator(f"#{field}-error")).to_be_visible()
    assert_fits_the_phone(phone, "card form with errors")
    order = db.session.query(Order).one()
    assert order.state == "awaiting_payment"

    phone.get_by_label("Card number").fill("4242 4242 4242 4242")
    phone.get_by_label("Expiry month").fill("12")
    phone.get_by_label("Expiry year").fill(str(london_today().year + 3))
    phone.get_by_label("Security code", exact=False).fill("123")
    submit(phone, re.compile("^Pay"))
    assert phone.locator("h1").inner_text() == "Payment received"
    db.session.expire_all()
    assert db.session.get(Order, order.id).state == "awaiting_provider"

    log_in(page, priya)
    page.goto(f"/orders/{order.id}")
    check_accessibility(page, "order paid by card")
