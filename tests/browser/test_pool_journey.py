"""Three budget holders pool for a group service in real headless Chromium, checked by axe-core
on every pool page: Sam (managed account) starts the pool from the service page; Priya and
Dani (direct payments) join through the invite link and save their cards; Dani leaves and
re-joins; the third pledge fills the pool, both cards are held and captured, and the provider
is told once. The same pages are then tried at 320 px with JavaScript off."""
from __future__ import annotations

import re
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment
from marketplace.pools.models import Pool
from marketplace.times import london_today
from tests.browser.people import layout_width, log_in, submit
from tests.factories import make_funded_budget, make_user
from tests.pools.helpers import group_service, organisation

PHONE = {"width": 320, "height": 700}


def save_card(page, check_accessibility, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Save the card for this share").click()
    check_accessibility(page, f"save a card ({label})")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill(str(london_today().year + 3))
    page.get_by_label("Security code", exact=False).fill("123")
    submit(page, "Save my card")
    expect(page.locator(".flash-list")).to_contain_text("Your card is saved")


def test_three_holders_pool_by_two_routes_and_the_pool_goes_ahead(
        new_page, stripe_app, check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    org = organisation()
    service = group_service()  # £10 a session
    sam = make_user("holder", name="Sam Patel")
    make_funded_budget(sam, amount_pence=20_000, organisation=org)
    priya = make_user("holder", name="Priya Shah")
    make_funded_budget(priya, amount_pence=20_000, route="direct")
    dani = make_user("holder", name="Dani Jones")
    make_funded_budget(dani, amount_pence=20_000, route="direct")

    # Sam starts the pool from the service page; a mistake first.
    sam_page = new_page()
    log_in(sam_page, sam)
    sam_page.goto(f"/services/{service.id}")
    check_accessibility(sam_page, "service page with Buy it together")
    with sam_page.expect_navigation():
        sam_page.get_by_role("link", name="Start a pool for this").click()
    check_accessibility(sam_page, "start a pool")
    sam_page.get_by_label("How many sessions").fill("6")
    sam_page.get_by_label("The fewest people it can go ahead with").fill("3")
    sam_page.get_by_label("The most people who can join").fill("2")
    submit(sam_page, "Start the pool")
    assert sam_page.title().startswith("Error:")
    assert "The most people must be at least the fewest people" in sam_page.locator(
        ".error-summary").inner_text()
    check_accessibility(sam_page, "start a pool with an error")
    sam_page.get_by_label("The most people who can join").fill("3")
    submit(sam_page, "Start the pool")
    invite = sam_page.locator(".invite-link code").inner_text()
    assert "invite=" in invite
    check_accessibility(sam_page, "the new pool with its invite link")
    pool = db.session.scalars(sa.select(Pool)).one()

    # Priya joins through the link and saves her card: nothing is charged.
    priya_page = new_page()
    log_in(priya_page, priya)
    priya_page.goto(invite)
    check_accessibility(priya_page, "a pool to join")
    priya_page.get_by_label(re.compile(r"available$")).check()
    priya_page.get_by_label("The name other members see").fill("Priya")
    submit(priya_page, "Pledge my share")
    save_card(priya_page, check_accessibility, "Priya")
    assert stripe_app.server.payment_intents() == []

    # Dani joins, leaves (after saying yes), and joins again.
    dani_page = new_page()
    log_in(dani_page, dani)
    dani_page.goto(invite)
    dani_page.get_by_label(re.compile(r"available$")).check()
    dani_page.get_by_label("The name other members see").fill("DJ")
    submit(dani_page, "Pledge my share")
    submit(dani_page, "Leave the pool")
    check_accessibility(dani_page, "leave a pool?")
    submit(dani_page, "Yes, leave the pool")
    expect(dani_page.locator(".flash-list")).to_contain_text("Every penny of your pledge")
    dani_page.get_by_label(re.compile(r"available$")).check()
    dani_page.get_by_label("The name other members see").fill("DJ")
    submit(dani_page, "Pledge my share")
    text = dani_page.locator("main").inner_text()
    assert "Sam Patel" not in text and "Priya Shah" not in text and "Priya" in text
    # The pool is full, so it goes ahead as soon as Dani's card is saved: both cards are held
    # for exactly their shares, then captured.
    save_card(dani_page, check_accessibility, "Dani")
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).state == "funded"
    orders = db.session.scalars(sa.select(Order)).all()
    assert sorted(order.total_pence for order in orders) == [2_000, 2_000, 2_000]
    payments = db.session.scalars(sa.select(CardPayment)).all()
    assert len(payments) == 2 and {p.status for p in payments} == {"succeeded"}
    told = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == service.provider.owner_id)).all()
    assert len(told) == 1 and "A group of 3 has bought" in told[0]

    sam_page.goto(f"/pools/{pool.id}")
    assert "Going ahead: every share is in" in sam_page.locator("main").inner_text()
    check_accessibility(sam_page, "a funded pool")
    sam_page.goto("/pools")
    check_accessibility(sam_page, "my pools")

    # The same pages on a phone with JavaScript off.
    phone = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(phone, sam)
    for path in (f"/pools/{pool.id}", "/pools", f"/services/{service.id}/pools/new"):
        phone.goto(path)
        assert layout_width(phone) <= PHONE["width"], path


def test_a_custom_share_pool_is_started_and_a_joiner_chooses_the_smaller_share(
        new_page, check_accessibility):
    org = organisation()
    service = group_service()  # £10 a session
    sam = make_user("holder", name="Sam Patel")
    make_funded_budget(sam, amount_pence=20_000, organisation=org)
    kit = make_user("holder", name="Kit Moss")
    make_funded_budget(kit, amount_pence=3_000, organisation=org)

    # Sam sets out £40, £40 and £20 for 10 sessions; a mistake first.
    sam_page = new_page()
    log_in(sam_page, sam)
    sam_page.goto(f"/services/{service.id}/pools/new")
    sam_page.get_by_label("How many sessions").fill("10")
    sam_page.get_by_label("Custom shares: I set out each place and what it costs").check()
    sam_page.get_by_label("Custom shares, in pounds").fill("40, 40, 10")
    submit(sam_page, "Start the pool")
    assert sam_page.title().startswith("Error:")
    assert "The shares add up to £90.00" in sam_page.locator(".error-summary").inner_text()
    check_accessibility(sam_page, "start a custom-share pool with an error")
    sam_page.get_by_label("Custom shares, in pounds").fill("40, 40, 20")
    submit(sam_page, "Start the pool")
    invite = sam_page.locator(".invite-link code").inner_text()
    check_accessibility(sam_page, "a new custom-share pool")
    pool = db.session.scalars(sa.select(Pool)).one()

    # Kit, with less to spend, sees every share (not who pays it) and takes the £20.00 one.
    kit_page = new_page()
    log_in(kit_page, kit)
    kit_page.goto(invite)
    shares_table = kit_page.locator("table.pool-shares").inner_text()
    assert "£40.00" in shares_table and "£20.00" in shares_table
    assert "£" not in kit_page.locator("table.pool-members").inner_text()
    check_accessibility(kit_page, "a custom-share pool to join")
    kit_page.get_by_label("£20.00 (1 place open)").check()
    kit_page.get_by_label(re.compile(r"available$")).check()
    kit_page.get_by_label("The name other members see").fill("Kit")
    submit(kit_page, "Pledge my share")
    expect(kit_page.locator(".flash-list")).to_contain_text("Your share is set aside")
    assert "£20.00 is set aside from the budget" in kit_page.locator("main").inner_text()
    check_accessibility(kit_page, "a custom-share pool joined")
    db.session.expire_all()
    assert [m.share_pence for m in db.session.get(Pool, pool.id).live_members] == [4_000,
                                                                                   2_000]

    phone = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(phone, kit)
    phone.goto(f"/pools/{pool.id}")
    assert layout_width(phone) <= PHONE["width"]
