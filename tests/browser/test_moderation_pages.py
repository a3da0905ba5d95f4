"""Appointed moderators in real headless Chromium at 320 px, checked by axe: a commissioner
appoints a moderator, who chooses a password through the emailed link, logs in, edits a phone
number out of a held review with a note, and publishes it. The pages also work with
JavaScript off."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.reviews import services as reviews
from marketplace.reviews.models import Review
from marketplace.reviews.services import ReviewDetails
from tests.browser.people import PASSWORD, layout_width, submit
from tests.orders.pages import Market, with_order_pages
from tests.reviews.market import delivered_order
from tests.reviews.moderators import welcome_link

PHONE = {"width": 320, "height": 700}
EMAIL = "rae@userled.example.org"


def fill_log_in(page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, "Log in")


def log_in(page, email: str) -> None:
    page.goto("/login")
    fill_log_in(page, email)


@pytest.fixture
def market(app):
    with_order_pages(app)
    return Market()


def test_appointing_a_moderator_who_edits_out_a_phone_number(market, new_page,
                                                             check_accessibility):
    order = delivered_order(market)
    held = reviews.submit_review(market.sam, order, ReviewDetails(
        4, "yes", "Lovely group. Ring me on 07700 900123 to join.", "anonymous")).review
    db.session.commit()
    review_id, boss_email = held.id, market.commissioner.email
    db.session.remove()  # the live server's threads write; hold no read open here

    boss = new_page(viewport=PHONE)
    log_in(boss, boss_email)
    boss.goto("/moderation/moderators")
    check_accessibility(boss, "appoint a moderator")
    assert layout_width(boss) <= 320
    submit(boss, "Appoint and email them")
    expect(boss.locator(".error-summary")).to_contain_text("Enter the person's name")
    check_accessibility(boss, "appoint a moderator with errors")
    boss.get_by_label("Full name").fill("Rae Moderator")
    boss.get_by_label("Email address").fill(EMAIL)
    submit(boss, "Appoint and email them")
    expect(boss.locator(".flash-list")).to_contain_text("Rae Moderator is appointed")
    check_accessibility(boss, "moderators with one")
    assert layout_width(boss) <= 320

    link = welcome_link(EMAIL)
    db.session.remove()
    rae = new_page(viewport=PHONE)
    rae.goto(link)
    check_accessibility(rae, "choose your password")
    rae.get_by_label("Create a password").fill(PASSWORD)
    rae.get_by_label("Type the password again").fill(PASSWORD)
    submit(rae, "Set my password")
    expect(rae.locator(".flash-list")).to_contain_text("Your password is set")
    fill_log_in(rae, EMAIL)
    expect(rae.locator("h1")).to_contain_text("Reviews waiting for a person (1)")
    check_accessibility(rae, "moderation queue for a moderator")
    assert layout_width(rae) <= 320
    rae.get_by_text("Edit out personal details, then publish").click()
    box = rae.get_by_label("The review, with the details taken out")
    expect(box).to_have_value("Lovely group. Ring me on [phone number removed] to join.")
    check_accessibility(rae, "moderation queue with the edit open")
    assert layout_width(rae) <= 320
    submit(rae, "Save the edit and publish")
    expect(rae.locator(".error-summary, .field-error").first).to_contain_text(
        "Tell the author what you took out")
    rae.get_by_label("A note for the author: what you took out").fill(
        "We removed a phone number")
    submit(rae, "Save the edit and publish")
    expect(rae.locator("main")).to_contain_text("Nothing is waiting.")

    review = db.session.get(Review, review_id)
    assert (review.state, review.text) == (
        "published", "Lovely group. Ring me on [phone number removed] to join.")
    db.session.remove()

    # With JavaScript off, on a phone, the appoint page still works.
    plain = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(plain, boss_email)
    assert plain.goto("/moderation/moderators").status == 200
    assert layout_width(plain) <= 320
