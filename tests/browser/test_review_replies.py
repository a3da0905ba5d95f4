"""A provider's reply in real headless Chromium at 320 px, checked by axe: Bea Bright finds
Sam's review on her reviews page, replies (a mistake first), and the reply shows under the
review on the service page; she then reports it, and a moderator sees it, still published, in
the queue's reported section."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.reviews import services as reviews
from marketplace.reviews.services import ReviewDetails
from tests.browser.people import layout_width, submit
from tests.browser.test_review_pages import PHONE, log_in
from tests.orders.pages import Market, with_order_pages
from tests.reviews.market import delivered_order


@pytest.fixture
def market(app):
    with_order_pages(app)
    return Market()


def test_a_provider_replies_and_the_reply_shows_on_the_service_page(market, new_page,
                                                                    check_accessibility):
    order = delivered_order(market)
    reviews.submit_review(market.sam, order, ReviewDetails(
        4, "yes", "Friendly group, and I take photos again.", "name"))
    db.session.commit()
    service_id, bea_email = market.service.id, market.provider_owner.email
    moderator_email = market.commissioner.email
    # The live server's threads write; this thread must hold no read transaction open.
    db.session.remove()

    bea = new_page(viewport=PHONE)
    log_in(bea, bea_email)
    with bea.expect_navigation():
        bea.get_by_role("link", name="Reviews", exact=True).click()
    expect(bea.locator("main")).to_contain_text("You have replied to 0 of your 1 published review")
    check_accessibility(bea, "provider reviews page")
    assert layout_width(bea) <= 320
    submit(bea, "Publish my reply")
    expect(bea.locator("main")).to_contain_text("Write your reply")
    check_accessibility(bea, "provider reviews page with an error")
    bea.get_by_label("Your public reply").fill("Thank you, Sam. See you on Thursday!")
    submit(bea, "Publish my reply")
    expect(bea.locator(".flash-list")).to_contain_text("Your reply now shows under the review")
    expect(bea.locator("main")).to_contain_text("You have replied to 1 of your 1")
    check_accessibility(bea, "provider reviews page after replying")
    assert layout_width(bea) <= 320

    reader = new_page(viewport=PHONE)
    reader.goto(f"/services/{service_id}")
    expect(reader.locator(".review-reply")).to_contain_text("Reply from Bright Days")
    expect(reader.locator(".review-reply")).to_contain_text("See you on Thursday!")
    check_accessibility(reader, "service page with a reply")
    assert layout_width(reader) <= 320
    with reader.expect_navigation():
        reader.get_by_role("link", name="Bright Days").first.click()
    expect(reader.locator("#reviews")).to_contain_text("Reviews")
    expect(reader.locator(".review-reply")).to_contain_text("See you on Thursday!")
    check_accessibility(reader, "provider page with its reviews")
    assert layout_width(reader) <= 320

    with bea.expect_navigation():
        bea.get_by_role("link", name="Report this review").click()
    check_accessibility(bea, "report form")
    assert layout_width(bea) <= 320
    bea.get_by_label("It is not about this service, or not a genuine experience").check()
    submit(bea, "Send my report")
    expect(bea.locator(".flash-list")).to_contain_text("It keeps showing until they decide")

    moderator = new_page(viewport=PHONE)
    log_in(moderator, moderator_email)
    moderator.goto("/moderation")
    expect(moderator.locator("main")).to_contain_text("Reported reviews (1)")
    check_accessibility(moderator, "moderation queue with a reported review")
    assert layout_width(moderator) <= 320
