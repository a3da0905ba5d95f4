"""Outcomes and quality in a real browser: a commissioner opens a service to review, gets a
clear error for a decision without a date, records one, and sees it in the history; axe finds
nothing on the view, the error and the service page; nothing scrolls sideways at 320 px."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from marketplace.times import london_today, utcnow
from tests.browser.people import layout_width, log_in, submit
from tests.commissioning.test_quality_view import _reviews
from tests.factories import make_provider, make_service, make_user


def test_a_commissioner_records_a_decision_on_a_service_to_review(app, page, check_accessibility):
    poor = make_service(make_provider(name="Poor Peers"), title="Poor group")
    _reviews(poor, [(2, "no")] * 3 + [(1, "partly")], utcnow() - timedelta(days=3))
    log_in(page, make_user("commissioner", name="Cara Commissioner"))
    page.goto("/commissioning/quality")
    expect(page.get_by_role("heading", name="Services to review")).to_be_visible()
    check_accessibility(page, "outcomes and quality")

    page.get_by_role("link", name="Poor group").click()
    expect(page.get_by_text("Few people said it helped")).to_be_visible()
    page.get_by_label("Watch it").check()
    submit(page, "Record the decision")
    expect(page.locator(".error-summary")).to_contain_text(
        "Enter the date to look at this service again")
    check_accessibility(page, "decision with an error")

    look_again = london_today() + timedelta(days=60)
    page.locator("#look_again_on").fill(str(look_again.day))
    page.locator("#look_again_on-month").fill(str(look_again.month))
    page.locator("#look_again_on-year").fill(str(look_again.year))
    page.get_by_label("Why, and what happens next").fill("Ask people again in two months.")
    submit(page, "Record the decision")
    expect(page.get_by_text("Recorded: watch it.")).to_be_visible()
    expect(page.get_by_text("Cara Commissioner: watch it")).to_be_visible()
    check_accessibility(page, "service quality")
    page.set_viewport_size({"width": 320, "height": 700})
    assert layout_width(page) <= 320
