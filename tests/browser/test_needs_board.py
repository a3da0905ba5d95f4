"""The needs board in real headless Chromium, checked by axe-core on every new page: a holder
posts a need (a mistake first), two providers who serve it quote, the holder compares them and
accepts one into a pool, then declines the other in one step. The same pages are then tried
at 320 px with JavaScript off."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import Notification
from marketplace.pools.models import Pool
from marketplace.times import london_today
from tests.browser.test_pool_journey import PHONE, log_in, submit
from tests.needs.helpers import market


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def quote(page, check_accessibility, need_id: int, price: str, sessions: str, label: str):
    page.goto("/provider/needs")
    check_accessibility(page, f"needs near you ({label})")
    with page.expect_navigation():
        page.get_by_role("link", name="A weekly photography walk for 6 people").click()
    check_accessibility(page, f"a need to quote for ({label})")
    text = page.locator("main").inner_text()
    assert "Sam Patel" not in text
    page.get_by_label("Price", exact=True).fill(price)
    page.get_by_label("How many sessions").fill(sessions)
    fill_date(page, "The quote is open until", london_today() + timedelta(days=20))
    page.get_by_label("A message to the person").fill(f"Saturday mornings from {label}")
    submit(page, "Send the quote")
    expect(page.locator(".flash-list")).to_contain_text("Your quote is sent")
    check_accessibility(page, f"a quote sent ({label})")


def test_a_holder_posts_a_need_two_providers_quote_and_one_goes_into_a_pool(
        new_page, check_accessibility):
    found = market()
    sam = new_page()
    log_in(sam, found["sam"])
    sam.goto("/needs")
    check_accessibility(sam, "needs")
    with sam.expect_navigation():
        sam.get_by_role("link", name="Post a need").click()
    check_accessibility(sam, "post a need")
    sam.get_by_label("What do you need?").fill("A weekly photography walk for 6 people")
    sam.get_by_label("Kind of support").select_option("arts")
    sam.get_by_label("Your local authority").select_option("salford")
    sam.get_by_label("Postcode district").fill("SK4")
    sam.get_by_label("Weekends").check()
    sam.get_by_label("The least you would expect to spend").fill("50")
    sam.get_by_label("The most you could spend").fill("150")
    sam.get_by_label("How many people is it for?").fill("6")
    sam.get_by_label("I would buy it together with others in a pool").check()
    submit(sam, "Post the need")
    assert sam.title().startswith("Error:")
    assert "Enter a postcode district in Salford" in sam.locator(".error-summary").inner_text()
    check_accessibility(sam, "post a need with an error")
    sam.get_by_label("Postcode district").fill("M30")
    submit(sam, "Post the need")
    expect(sam.locator(".flash-list")).to_contain_text("Your need is posted")
    check_accessibility(sam, "a need with no quotes")
    need = db.session.scalars(sa.select(Need)).one()

    arts = new_page()
    log_in(arts, found["arts"].owner)
    quote(arts, check_accessibility, need.id, "12.50", "6", "Salford Arts")
    eccles = new_page()
    log_in(eccles, found["eccles"].owner)
    quote(eccles, check_accessibility, need.id, "9", "8", "Eccles Creative")

    sam.goto(f"/needs/{need.id}")
    table = sam.locator(".table-region table").inner_text()
    assert "£75.00" in table and "£72.00" in table
    check_accessibility(sam, "a need with two quotes")
    with sam.expect_navigation():
        sam.get_by_role("link", name="Start a pool from this quote from Eccles Creative").click()
    check_accessibility(sam, "start a pool from a quote")
    sam.get_by_label("The name other members see").fill("Sam P")
    sam.get_by_label("Anyone with a budget who looks at this service").check()
    submit(sam, "Accept and start the pool")
    expect(sam.locator(".flash-list")).to_contain_text("started a pool from it")
    pool = db.session.scalars(sa.select(Pool)).one()
    assert pool.target_pence == 7_200 and pool.service_id == found["eccles_walks"].id

    sam.goto(f"/needs/{need.id}")
    submit(sam, "Decline the other quotes")
    expect(sam.locator(".flash-list")).to_contain_text("1 quote declined")
    check_accessibility(sam, "a need answered")
    told = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == found["arts"].owner_id)).all()
    assert any("Thank you for your quote" in message for message in told)
    eccles.goto(f"/provider/needs/{need.id}")
    accepted = eccles.locator("main").inner_text()
    # A pool's members are named to the provider only by the names they chose for it.
    assert "They started a group pool from it" in accepted and "Sam Patel" not in accepted
    check_accessibility(eccles, "an accepted quote, started as a pool")
    sam.goto(f"/needs/{need.id}/peers")
    check_accessibility(sam, "people near you who need the same")

    # A need not to be pooled: accepting a quote is ordering it at the quoted price.
    other = needs.post_need(found["sam"], found["sam"].id, needs.NeedDetails(
        words="A weekly photography walk for 6 people, just me", category="arts",
        local_authority="salford", timing="any", budget_low_pence=0,
        budget_high_pence=10_000))
    needs.give_quote(found["arts"].owner, other.id, needs.QuoteDetails(
        service_id=found["arts_walks"].id, price_pence=1_000, price_unit="session",
        sessions=4, expires_on=london_today() + timedelta(days=10)))
    db.session.commit()
    other_quote = db.session.scalar(sa.select(Quote).where(Quote.need_id == other.id))
    sam.goto(f"/needs/{other.id}/quotes/{other_quote.id}/accept")
    expect(sam.get_by_role("heading", level=1)).to_have_text("Order Photography walks")
    assert "4 × £10.00 per session, £40.00 in all" in sam.locator("main").inner_text()
    check_accessibility(sam, "order a quote at its price")

    # The same pages on a phone with JavaScript off.
    for user, paths in (
            (found["sam"], ("/needs", "/needs/new", f"/needs/{need.id}",
                            f"/needs/{need.id}/peers", f"/needs/{other.id}",
                            f"/needs/{other.id}/quotes/{other_quote.id}/accept")),
            (found["arts"].owner, ("/provider/needs", f"/provider/needs/{need.id}",
                                   f"/provider/needs/{other.id}"))):
        phone = new_page(java_script_enabled=False, viewport=PHONE)
        log_in(phone, user)
        for path in paths:
            response = phone.goto(path)
            assert response.status == 200, path
            metrics = phone.context.new_cdp_session(phone).send("Page.getLayoutMetrics")
            assert metrics["cssContentSize"]["width"] <= PHONE["width"], path
