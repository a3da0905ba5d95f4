"""A market position statement in a real browser: a commissioner asks for a draft, the
worker's job writes it while the page says so, the commissioner writes what the council will
do, publishes it, and a visitor reads it and prints it; axe finds nothing on the
list, the draft and the public page; nothing scrolls sideways at 320 px."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from marketplace.times import london_today
from tests.browser.people import layout_width, log_in, submit
from tests.commissioning.statement_drafting import run_statement_drafts
from tests.factories import make_provider, make_service, make_user


def _fill_date(page, field: str, day) -> None:
    page.locator(f"#{field}").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def test_a_commissioner_publishes_a_statement_a_visitor_reads(page, new_page, check_accessibility):
    make_service(make_provider(name="Salford Peers"))
    log_in(page, make_user("commissioner"))
    page.goto("/commissioning/statements")
    check_accessibility(page, "statements")
    _fill_date(page, "start", london_today() - timedelta(days=90))
    _fill_date(page, "end", london_today())
    submit(page, "Draft it from the figures")
    # The worker writes it; meanwhile the page says so and keeps still.
    expect(page.get_by_text("The draft is being written")).to_be_visible()
    check_accessibility(page, "draft being written")
    page.set_viewport_size({"width": 320, "height": 700})
    assert layout_width(page) <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    run_statement_drafts()
    with page.expect_navigation():
        page.get_by_role("link", name="Check again").click()
    expect(page.get_by_text("A draft is ready.")).to_be_visible()
    check_accessibility(page, "draft")
    page.get_by_label("What the council will do").fill(
        "We will fund evening peer support in Salford.")
    submit(page, "Save the draft")
    submit(page, "Publish this statement")
    expect(page.get_by_text("Published: anyone can now read it.")).to_be_visible()
    address = page.url

    visitor = new_page(viewport={"width": 320, "height": 700})
    visitor.goto(address)
    expect(visitor.get_by_text("We will fund evening peer support in Salford.")).to_be_visible()
    check_accessibility(visitor, "public statement")
    assert layout_width(visitor) <= 320
    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header")).to_be_hidden()
    expect(visitor.get_by_role("heading", name="What the council will do")).to_be_visible()
