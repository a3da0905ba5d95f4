"""Both payment routes of issue #3, end to end in real headless Chromium, with axe-core
(WCAG 2.2 AA) on every page visited.

Managed account: the holder orders through the service page, the organisation's staff approve
from /managed, the provider accepts and delivers from /provider/orders, the holder confirms, and
the budget page and statement show the money spent.

Direct payment: the holder orders and pays on our card page against a real localstripe: the
declined test card leaves the order unpaid with the message beside the card field, then the good
card pays it once.
"""
from __future__ import annotations

import re

import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment
from tests.factories import (
    PASSWORD,
    make_account_manager,
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)

DECLINED_TEXT = "Your card was declined. Try another card or contact your card provider."


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def expect_flash(page, words: str) -> None:
    """Waits for the message, so an earlier page's message is never read by mistake."""
    expect(page.locator(".flash-list")).to_contain_text(words)


def budget_figure(page, label: str) -> str:
    """The figure in the budget table row headed label, like "£100.00"."""
    cell = page.get_by_role("row", name=re.compile("^" + re.escape(label))).locator("td")
    return cell.inner_text().split()[0]


def order_button(scope, words: str, order_id: int):
    """The action button for one order in a list; its name ends ": order N" (hidden text)."""
    name = re.compile(rf"^{re.escape(words)}\s*: order {order_id}$")
    return scope.get_by_role("button", name=name)


def only_order() -> Order:
    db.session.expire_all()
    orders = db.session.scalars(sa.select(Order)).all()
    assert len(orders) == 1
    return orders[0]


def order_through_the_service_page(page, check_accessibility, service, quantity: str,
                                   note: str) -> None:
    page.goto(f"/services/{service.id}")
    assert page.locator("h1").inner_text() == service.title
    check_accessibility(page, "service page with the order box")
    box = page.locator("section.order-box")
    expect(box.get_by_role("heading", name="Order this")).to_be_visible()
    box.get_by_label(re.compile(r"available$")).check()
    box.get_by_label("How many").fill(quantity)
    box.get_by_label("Note to the provider", exact=False).fill(note)
    box.get_by_role("button", name="Check your order").click()
    assert page.locator("h1").inner_text() == "Check your order"
    check_accessibility(page, "check your order")


def test_managed_account_order_from_service_page_to_spent_money(
    page, new_page, check_accessibility
):
    organisation = budget_services.create_managed_account_organisation(
        name="Salford Independent Living", kind="ulo", auto_approve_limit_pence=0)
    stream = budget_services.create_funding_stream(name="Social care", kind="social_care")
    db.session.commit()
    staff = make_account_manager(organisation, email="mo@sil.example.org")
    sam = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(sam, amount_pence=50_000, organisation=organisation, stream=stream)
    bright = make_provider(make_user("provider", name="Bea Bright"), name="Bright Days")
    service = make_service(bright, title="Photography group", price_pence=2_500, category="arts")

    # The holder orders.
    log_in(page, sam)
    order_through_the_service_page(page, check_accessibility, service, "4", "Mornings suit me")
    sums = page.locator("table.order-sums").inner_text()
    assert re.search(r"Total for this order\s+£100\.00", sums)
    assert re.search(r"Left after this order\s+£400\.00", sums)
    assert "Salford Independent Living, who hold the budget, look at the order and approve it" in (
        main_text(page))
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))

    order = only_order()
    assert page.url.endswith(f"/orders/{order.id}")
    assert page.locator("h1").inner_text() == f"Order {order.id}: Photography group"
    assert "Status: Waiting for approval by the account holder organisation" in main_text(page)
    assert "Mornings suit me" in main_text(page)
    check_accessibility(page, "order waiting for approval")

    page.goto("/budget")
    assert budget_figure(page, "Set aside for orders not yet paid") == "£100.00"
    assert budget_figure(page, "Available to spend now") == "£400.00"
    assert budget_figure(page, "Spent") == "£0.00"
    check_accessibility(page, "my budget with money set aside")

    # The organisation's staff member approves from /managed, in their own browser.
    mo = new_page()
    log_in(mo, staff)
    mo.goto("/managed")
    assert "Waiting for approval (1)" in main_text(mo)
    check_accessibility(mo, "managed account approvals")
    heading = mo.get_by_role("heading", name=f"Order {order.id}: Photography group")
    card = mo.locator("article", has=heading)
    assert "Sam Patel" in card.inner_text()
    order_button(card, "Approve this order", order.id).click()
    mo.wait_for_url(re.compile(r"/managed$"))
    expect_flash(mo, f"Order {order.id} is approved.")
    assert "Waiting for approval (0)" in main_text(mo)
    check_accessibility(mo, "managed account approvals after approving")

    # The provider accepts and delivers from /provider/orders.
    bea = new_page()
    log_in(bea, bright.owner)
    bea.goto("/provider/orders")
    assert "New orders: please accept or decline (1)" in main_text(bea)
    check_accessibility(bea, "provider orders, new")
    order_button(bea, "Accept this order", order.id).click()
    expect_flash(bea, f"You accepted order {order.id}.")
    assert "Accepted: to deliver (1)" in main_text(bea)
    check_accessibility(bea, "provider orders, accepted")
    order_button(bea, "Mark as delivered", order.id).click()
    expect_flash(bea, f"Order {order.id} is marked as delivered.")
    check_accessibility(bea, "provider orders, delivered")

    # The holder confirms.
    page.goto(f"/orders/{order.id}")
    assert "Status: Delivered: please confirm" in main_text(page)
    check_accessibility(page, "order delivered, to confirm")
    page.get_by_role("button", name="Confirm it was delivered").click()
    expect_flash(page, f"Order {order.id} is confirmed")
    text = main_text(page)
    assert "Status: Confirmed: the provider will be paid" in text
    for line in ("Approved by", "Accepted by Bright Days", "Marked as delivered by Bright Days",
                 "Confirmed as delivered by Sam Patel"):
        assert line in text
    check_accessibility(page, "order confirmed")

    # The budget page shows the money spent, and the statement every movement.
    page.goto("/budget")
    assert budget_figure(page, "Allocated so far") == "£500.00"
    assert budget_figure(page, "Spent") == "£100.00"
    assert budget_figure(page, "Set aside for orders not yet paid") == "£0.00"
    assert budget_figure(page, "Available to spend now") == "£400.00"
    check_accessibility(page, "my budget after the order is paid")
    assert ledger.budget_balances(budget.id) == ledger.BudgetBalances(50_000, 10_000, 0, 40_000)

    page.get_by_role("link", name=re.compile("^Statement")).click()
    page.wait_for_url(re.compile(r"/statement"))
    check_accessibility(page, "statement")
    # Newest first. Columns after the date: what happened, money in, money out, set aside for
    # orders, available after, who did it.
    rows = page.locator("table.statement tbody tr")
    cells = [[" ".join(text.split()) for text in rows.nth(i).locator("td").all_inner_texts()[1:]]
             for i in range(rows.count())]
    assert cells[:2] == [
        [f"Order {order.id}: Photography group", "none", "none", "-£100.00", "£400.00",
         "by Sam Patel"],
        [f"Set aside for order {order.id}: Photography group", "none", "£100.00", "+£100.00",
         "£400.00", "by Sam Patel"],
    ]
    assert len(cells) == 3
    assert cells[2][0].startswith("Instalment of your Social care budget")
    assert cells[2][1:5] == ["£500.00", "none", "no change", "£500.00"]


def test_direct_payment_declined_card_then_good_card(page, stripe_app, check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    priya = make_user("holder", name="Priya Shah")
    budget = make_funded_budget(priya, amount_pence=50_000, route="direct")
    service = make_service(make_provider(name="Salford Arts"), title="Art group", price_pence=2_500)

    log_in(page, priya)
    order_through_the_service_page(page, check_accessibility, service, "2", "Any weekday")
    assert "Next you pay £50.00 by card" in main_text(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/pay$"))

    order = only_order()
    assert page.url.endswith(f"/orders/{order.id}/pay")
    assert page.locator("h1").inner_text() == "Pay for your order by card"
    assert "This is the test payment server" in main_text(page)
    check_accessibility(page, "pay by card")
    assert order.state == "awaiting_payment"

    def pay_with(number: str) -> None:
        page.get_by_label("Card number").fill(number)
        page.get_by_label("Expiry month").fill("12")
        page.get_by_label("Expiry year").fill("2030")
        page.get_by_label("Security code", exact=False).fill("123")
        page.get_by_role("button", name=re.compile("^Pay")).click()

    # The declined card: the message beside the card field, and nothing paid.
    pay_with("4000 0000 0000 0341")
    expect(page.locator("#card_number-error")).to_contain_text(DECLINED_TEXT)
    assert page.get_by_label("Card number").get_attribute("aria-describedby").count(
        "card_number-error") == 1
    assert page.locator("h1").inner_text() == "Pay for your order by card"
    check_accessibility(page, "pay by card after a decline")
    assert only_order().state == "awaiting_payment"
    assert ledger.budget_balances(budget.id) == ledger.BudgetBalances(50_000, 0, 5_000, 45_000)
    page.goto("/budget")
    assert budget_figure(page, "Spent") == "£0.00"
    assert budget_figure(page, "Set aside for orders not yet paid") == "£50.00"
    assert budget_figure(page, "Available to spend now") == "£450.00"
    page.goto(f"/orders/{order.id}")
    assert "Status: Waiting for card payment" in main_text(page)
    check_accessibility(page, "order waiting for card payment")
    page.get_by_role("link", name="Pay £50.00 by card").click()
    page.wait_for_url(re.compile(rf"/orders/{order.id}/pay$"))

    # The good card pays.
    pay_with("4242 4242 4242 4242")
    expect(page.locator("h1")).to_have_text("Payment received")
    assert "Card ending 4242" in main_text(page)
    check_accessibility(page, "payment received")

    page.get_by_role("link", name="See the order").click()
    page.wait_for_url(re.compile(rf"/orders/{order.id}$"))
    assert "Status: Waiting for the provider to accept" in main_text(page)
    check_accessibility(page, "order paid, waiting for the provider")
    assert only_order().state == "awaiting_provider"

    db.session.expire_all()
    payments = db.session.scalars(
        sa.select(CardPayment).where(CardPayment.order_id == order.id).order_by(CardPayment.id)
    ).all()
    assert [p.status for p in payments] == ["failed", "succeeded"]
    assert (payments[1].amount_pence, payments[1].card_last4) == (5_000, "4242")
    # localstripe was emptied at the start, so these are all the intents this test made.
    intents = stripe_app.server.payment_intents()
    assert all((i.get("metadata") or {}).get("order_id") == str(order.id) for i in intents)
    succeeded = [i for i in intents if i["status"] == "succeeded"]
    assert len(succeeded) == 1
    assert (succeeded[0]["id"], succeeded[0]["amount"]) == (
        payments[1].stripe_payment_intent_id, 5_000)

    page.goto("/budget")
    assert budget_figure(page, "Set aside for orders not yet paid") == "£50.00"
    assert budget_figure(page, "Available to spend now") == "£450.00"
    check_accessibility(page, "my budget after paying by card")
