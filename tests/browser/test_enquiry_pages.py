"""The enquiry pages in real headless Chromium at 320 px, checked by axe: Sam asks Bright Days
a question from the service page (an empty one first), Bea answers from her Enquiries list,
Sam reads the answer and reports it, and a commissioner reads the report. A long unbroken word must not push the page sideways. The same pages
are then loaded with JavaScript off."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.people import layout_width, log_in, submit
from tests.orders.pages import Market, with_order_pages

PHONE = {"width": 320, "height": 700}
LONG_WORD = "https://example.org/" + "a" * 120


@pytest.fixture
def market(app):
    with_order_pages(app)
    return Market()


def fits(page, label: str, check_accessibility) -> None:
    check_accessibility(page, label)
    assert layout_width(page) <= 320, label


def test_asking_and_answering_an_enquiry_at_phone_width(market, new_page, check_accessibility):
    service_id, holder, provider = market.service.id, market.sam, market.provider_owner
    commissioner = market.commissioner
    # Loaded now, read after the session is gone.
    assert holder.email and provider.email and commissioner.email
    # The live server's threads write; this thread must hold no read transaction open.
    db.session.remove()

    sam = new_page(viewport=PHONE)
    log_in(sam, holder)
    sam.goto(f"/services/{service_id}")
    with sam.expect_navigation():
        sam.get_by_role("link", name="Ask the provider a question").click()
    fits(sam, "question form", check_accessibility)
    submit(sam, "Send my question")
    expect(sam.locator(".error-summary")).to_contain_text("Write your question")
    fits(sam, "question form with an error", check_accessibility)
    sam.get_by_label("Your question").fill(f"Is the hall step-free? See {LONG_WORD}")
    sam.get_by_label("Name the provider sees (optional)").fill("S.")
    submit(sam, "Send my question")
    expect(sam.locator(".flash-list")).to_contain_text("Your message is sent")
    fits(sam, "conversation (holder)", check_accessibility)
    thread_url = sam.url

    bea = new_page(viewport=PHONE)
    log_in(bea, provider)
    with bea.expect_navigation():
        bea.get_by_role("link", name="Enquiries").click()
    expect(bea.locator("main")).to_contain_text("With S.")
    fits(bea, "provider's enquiries", check_accessibility)
    with bea.expect_navigation():
        bea.get_by_role("link", name="Photography group").click()
    expect(bea.locator("main")).to_contain_text("Is the hall step-free?")
    fits(bea, "conversation (provider)", check_accessibility)
    bea.get_by_label("Your message").fill("Yes, there is a ramp at the side door.")
    submit(bea, "Send my message")
    expect(bea.locator(".flash-list")).to_contain_text("Your message is sent")

    sam.goto("/enquiries")
    fits(sam, "holder's enquiries", check_accessibility)
    sam.goto(thread_url)
    expect(sam.locator("main")).to_contain_text("Yes, there is a ramp at the side door.")
    fits(sam, "conversation with the answer", check_accessibility)

    # Sam reports the answer; a commissioner reads it.
    with sam.expect_navigation():
        sam.get_by_role("link", name="Report this message").click()
    fits(sam, "report form", check_accessibility)
    sam.get_by_label("What is wrong with this message?").fill("Please check this.")
    submit(sam, "Send the report")
    expect(sam.locator(".flash-list")).to_contain_text("A person from our team will read")
    moderator = new_page(viewport=PHONE)
    log_in(moderator, commissioner)
    with moderator.expect_navigation():
        moderator.get_by_role("link", name="Enquiry messages").click()
    expect(moderator.locator("main")).to_contain_text("Please check this.")
    fits(moderator, "enquiry messages to read", check_accessibility)

    # With JavaScript off, on a phone, the pages still work.
    phone = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(phone, holder)
    for path in (thread_url, "/enquiries", f"/services/{service_id}/enquire"):
        assert phone.goto(path).status == 200, path
        assert layout_width(phone) <= 320, path
