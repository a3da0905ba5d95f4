"""The review pages in real headless Chromium at 320 px, checked by axe (which needs
JavaScript, so the journey runs with it on): Sam reviews a confirmed order (a mistake first),
the review shows on the service page, and a commissioner works a held review in the
moderators' queue. The same pages are then loaded with JavaScript off."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.people import PASSWORD, layout_width, submit
from tests.orders.pages import Market, with_order_pages
from tests.reviews.market import delivered_order

PHONE = {"width": 320, "height": 700}


@pytest.fixture
def market(app):
    with_order_pages(app)
    return Market()


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Log in")


def test_writing_a_review_and_moderating_one_at_phone_width(market, new_page,
                                                            check_accessibility):
    order_id, held_id = delivered_order(market).id, delivered_order(market).id
    service_id, sam_email = market.service.id, market.sam.email
    moderator_email = market.commissioner.email
    # The live server's threads write; this thread must hold no read transaction open.
    db.session.remove()
    sam = new_page(viewport=PHONE)
    log_in(sam, sam_email)
    sam.goto(f"/orders/{order_id}")
    with sam.expect_navigation():
        sam.get_by_role("link", name="Review this").click()
    check_accessibility(sam, "review form")
    assert layout_width(sam) <= 320
    submit(sam, "Send my review")
    expect(sam.locator(".error-summary")).to_contain_text("Choose from 1 to 5 stars")
    check_accessibility(sam, "review form with errors")
    sam.get_by_label("4 stars").check()
    sam.get_by_role("group", name="Did it help with what matters to you?").get_by_label(
        "Yes").check()
    sam.get_by_label("What was it like?").fill("Friendly, and I take photos again.")
    submit(sam, "Send my review")
    expect(sam.locator(".flash-list")).to_contain_text("Your review now shows")
    check_accessibility(sam, "review sent")
    sam.goto(f"/services/{service_id}")
    expect(sam.locator("main")).to_contain_text("Verified purchase through Pathways")
    check_accessibility(sam, "service page with a review")
    assert layout_width(sam) <= 320

    sam.goto(f"/orders/{held_id}/review")
    sam.get_by_label("2 stars").check()
    sam.get_by_role("group", name="Did it help with what matters to you?").get_by_label(
        "No").check()
    sam.get_by_label("What was it like?").fill("Often cancelled. Ring me on 07700 900123.")
    submit(sam, "Send my review")

    moderator = new_page(viewport=PHONE)
    log_in(moderator, moderator_email)
    moderator.goto("/moderation")
    expect(moderator.locator("main")).to_contain_text("A phone number: 07700 900123")
    check_accessibility(moderator, "moderation queue")
    assert layout_width(moderator) <= 320
    submit(moderator, "Reject it")
    expect(moderator.locator("main")).to_contain_text("Say why, in words the author will read")
    check_accessibility(moderator, "moderation queue with an error")
    moderator.get_by_label("Why (the author reads this)").fill("Please say what happened.")
    submit(moderator, "Reject it")
    expect(moderator.locator("main")).to_contain_text("Nothing is waiting.")

    # With JavaScript off, on a phone, the pages still work.
    phone = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(phone, sam_email)
    for path in (f"/orders/{order_id}/review", f"/services/{service_id}"):
        assert phone.goto(path).status == 200, path
        assert layout_width(phone) <= 320, path
