"""The two endings a pool must get right, in real headless Chromium with axe-core on each
page: a card that fails when the shares are collected leaves the pool short, its member pays
the share on the site and the pool goes ahead with nobody charged twice; and a pool that
reaches its closing date without enough people gives every penny back and never charges a
card."""
from __future__ import annotations

import re
from datetime import timedelta

import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import run_due_jobs
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment
from marketplace.pools import services as pools
from marketplace.pools.models import Pool
from marketplace.pools.services import Pledge
from marketplace.times import london_today, utcnow
from tests.browser.people import log_in, submit
from tests.factories import make_funded_budget, make_user
from tests.pools.helpers import balances, group_service, organisation, request

FAILS_WHEN_CHARGED = "4000 0000 0000 0341"
GOOD = "4242 4242 4242 4242"


def _fill_card(page, number: str) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill(str(london_today().year + 3))
    page.get_by_label("Security code", exact=False).fill("123")


def _join_with_card(page, check_accessibility, pool_url: str, name: str, number: str) -> None:
    page.goto(pool_url)
    page.get_by_label(re.compile(r"available$")).check()
    page.get_by_label("The name other members see").fill(name)
    submit(page, "Pledge my share")
    with page.expect_navigation():
        page.get_by_role("link", name="Save the card for this share").click()
    _fill_card(page, number)
    submit(page, "Save my card")
    expect(page.locator(".flash-list")).to_contain_text("Your card is saved")
    check_accessibility(page, f"{name}'s pledge with a saved card")


def _people(amount_pence: int = 20_000):
    org = organisation()
    sam = make_user("holder", name="Sam Patel")
    sam_budget = make_funded_budget(sam, amount_pence=amount_pence, organisation=org)
    priya = make_user("holder", name="Priya Shah")
    priya_budget = make_funded_budget(priya, amount_pence=amount_pence, route="direct")
    dani = make_user("holder", name="Dani Jones")
    dani_budget = make_funded_budget(dani, amount_pence=amount_pence, route="direct")
    return (sam, sam_budget), (priya, priya_budget), (dani, dani_budget)


def test_a_card_that_fails_at_collection_leaves_the_pool_short_until_its_share_is_paid(
        new_page, stripe_app, check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    service = group_service()  # £10 a session: 6 sessions, £20 a share for 3
    (sam, sam_budget), (priya, priya_budget), (dani, dani_budget) = _people()
    started = pools.start_pool(sam, sam.id, request(service, min_members=3, max_members=3,
                                                    open_to="invite"),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    pool_url = f"/pools/{started.pool.id}?invite={started.invite_token}"

    priya_page = new_page()
    log_in(priya_page, priya)
    _join_with_card(priya_page, check_accessibility, pool_url, "Priya", FAILS_WHEN_CHARGED)
    # Dani's pledge fills the pool; collecting holds each card, and Priya's is refused.
    dani_page = new_page()
    log_in(dani_page, dani)
    _join_with_card(dani_page, check_accessibility, pool_url, "DJ", GOOD)
    db.session.expire_all()
    pool = db.session.get(Pool, started.pool.id)
    assert pool.state == "short"
    assert "Waiting for a share" in dani_page.locator("main").inner_text()
    # Nobody has paid anything: Dani's card is only held, and every pledge is still set aside.
    assert {intent["status"] for intent in stripe_app.server.payment_intents()} <= {
        "requires_capture", "requires_payment_method", "canceled"}
    assert db.session.scalars(sa.select(Order)).all() == []
    assert balances(dani_budget).available_pence == 18_000

    # Priya is asked to pay her share on the site, and does, with another card.
    priya_page.goto(f"/pools/{pool.id}")
    check_accessibility(priya_page, "a short pool, to the member whose card failed")
    with priya_page.expect_navigation():
        priya_page.get_by_role("link", name="Pay the share now").click()
    check_accessibility(priya_page, "pay a missing share")
    _fill_card(priya_page, GOOD)
    submit(priya_page, "Pay my share now")
    expect(priya_page.locator(".flash-list")).to_contain_text("Your share is paid")
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert "Going ahead: every share is in" in priya_page.locator("main").inner_text()
    check_accessibility(priya_page, "the refilled pool, funded")
    orders = db.session.scalars(sa.select(Order)).all()
    assert sorted(order.total_pence for order in orders) == [2_000, 2_000, 2_000]
    captured = [intent for intent in stripe_app.server.payment_intents()
                if intent["status"] == "succeeded"]
    # One capture for each card share, each for exactly the share: nobody paid twice.
    assert sorted(intent["amount"] for intent in captured) == [2_000, 2_000]
    assert {p.status for p in db.session.scalars(sa.select(CardPayment))} == {"succeeded"}
    for budget in (sam_budget, priya_budget, dani_budget):
        assert balances(budget).available_pence == 18_000


def test_a_pool_that_closes_without_enough_people_gives_every_penny_back(
        new_page, stripe_app, check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    service = group_service()
    (sam, sam_budget), (priya, priya_budget), _ = _people()
    started = pools.start_pool(sam, sam.id, request(service, min_members=3, max_members=4,
                                                    open_to="invite"),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    priya_page = new_page()
    log_in(priya_page, priya)
    _join_with_card(priya_page, check_accessibility,
                    f"/pools/{started.pool.id}?invite={started.invite_token}", "Priya", GOOD)
    assert balances(priya_budget).available_pence < 20_000

    # The closing date passes with two of the three people it needs; the worker closes it.
    pool = db.session.get(Pool, started.pool.id)
    pool.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    run_due_jobs("worker-a", catalogue.load())
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).state == "expired"

    priya_page.goto(f"/pools/{pool.id}")
    assert "Not going ahead: every pledge was given back" in priya_page.locator(
        "main").inner_text()
    check_accessibility(priya_page, "an expired pool")
    priya_page.goto("/notifications")
    expect(priya_page.locator("main")).to_contain_text(started.pool.title)
    for budget in (sam_budget, priya_budget):
        assert balances(budget).available_pence == 20_000
    # No card was ever charged or even held.
    assert stripe_app.server.payment_intents() == []
    assert db.session.scalars(sa.select(Order)).all() == []
