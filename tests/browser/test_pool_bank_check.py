"""A card whose bank asks for 3-D Secure when it is saved for a pool share, in real headless
Chromium: the member is sent to the (test) bank, says no, tries again and confirms, and the
card is kept; the same works at 320 px with JavaScript off. axe checks the bank's page.
Another holder cannot open someone's bank check."""
from __future__ import annotations

import re

import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.models import PoolMember
from marketplace.pools.services import Pledge
from tests.browser.people import layout_width, log_in, submit
from tests.browser.test_pool_short_and_expired import _fill_card, _people
from tests.pools.helpers import group_service, request

BANK_CHECKS_ONCE = "4000 0025 0000 3155"
PHONE = {"width": 320, "height": 700}


def _pledge_and_save(page, pool_url: str, name: str) -> None:
    page.goto(pool_url)
    page.get_by_label(re.compile(r"available$")).check()
    page.get_by_label("The name other members see").fill(name)
    submit(page, "Pledge my share")
    page.get_by_role("link", name="Save the card for this share").click()
    page.wait_for_load_state()
    _fill_card(page, BANK_CHECKS_ONCE)
    submit(page, "Save my card")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your bank needs to check it is you")


def test_a_card_saved_with_a_bank_check_is_kept_only_when_the_bank_confirms(
        new_page, stripe_app, check_accessibility):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    (sam, sam_budget), (priya, _), (dani, _) = _people()
    started = pools.start_pool(sam, sam.id, request(group_service(), min_members=3,
                                                    max_members=4, open_to="invite"),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    pool_url = f"/pools/{started.pool.id}?invite={started.invite_token}"

    page = new_page()
    log_in(page, priya)
    _pledge_and_save(page, pool_url, "Priya")
    check_accessibility(page, "the bank's check of a card being saved")
    bank_url = page.url
    submit(page, "Do not confirm")
    expect(page.locator(".flash-list")).to_contain_text("Your bank did not confirm the card")
    page.goto(f"/pools/{started.pool.id}")
    page.get_by_role("link", name="Save the card for this share").click()
    page.wait_for_load_state()
    _fill_card(page, BANK_CHECKS_ONCE)
    submit(page, "Save my card")
    submit(page, "Confirm it is me")
    expect(page.locator(".flash-list")).to_contain_text("Your bank confirmed the card")
    assert "Card saved" in page.locator("main").inner_text()
    check_accessibility(page, "the pool after the bank confirmed the card")

    # Someone else cannot open Priya's bank check.
    intruder = new_page()
    log_in(intruder, sam)
    assert intruder.goto(bank_url).status == 404

    # On a phone with JavaScript off, the whole check works the same.
    phone = new_page(java_script_enabled=False, viewport=PHONE)
    log_in(phone, dani)
    _pledge_and_save(phone, pool_url, "DJ")
    assert layout_width(phone) <= PHONE["width"]
    submit(phone, "Confirm it is me")
    expect(phone.locator(".flash-list")).to_contain_text("Your bank confirmed the card")
    db.session.expire_all()
    saved = db.session.scalars(sa.select(PoolMember).where(
        PoolMember.pool_id == started.pool.id, PoolMember.route == "direct")).all()
    assert len(saved) == 2 and all(m.payment_method_id for m in saved)
