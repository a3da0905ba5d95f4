"""Custom shares on the pool pages, without JavaScript: the starter sets out each place's
amount; everyone sees every share (amounts only, never who pays which) before joining and
chooses an open one with a radio button; bad shares are refused beside the field."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.pools.models import Pool, PoolMember
from tests.factories import make_user
from tests.orders.pages import browser, grant, text, with_order_pages
from tests.pools.helpers import balances, group_service, holder_with_budget, organisation
from tests.pools.test_pool_pages import start_form


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def market(app):
    org = organisation()
    service = group_service()  # £10 a session, up to 8 people
    people = {name: holder_with_budget(name, organisation=org)
              for name in ("Sam Patel", "Dani Jones", "Ali Khan")}
    return {"service": service, "sam_budget": people["Sam Patel"][1], **people}


def custom_form(market, shares="40, 40, 20", **changes):
    return start_form(market, sessions="10", share_rule="custom", shares=shares,
                      min_members="", max_members="", **changes)


def start_custom(app, market, **changes):
    sam = browser(app, market["Sam Patel"][0])
    response = sam.post(f"/services/{market['service'].id}/pools/new",
                        data=custom_form(market, **changes))
    assert response.status_code == 302, text(response)
    invite = re.search(r"invite=([^&\s\"]+)", response.headers["Location"]).group(1)
    return sam, db.session.scalars(sa.select(Pool)).one(), invite


def members_table(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index('<table class="pool-members">'):].split("</table>")[0]


def test_the_start_page_offers_custom_shares(app, market):
    words = text(browser(app, market["Sam Patel"][0]).get(
        f"/services/{market['service'].id}/pools/new"))
    assert "Custom shares: I set out each place and what it costs" in words
    assert "Put your own share first" in words


def test_the_starter_sets_out_the_shares_and_takes_the_first(app, market):
    sam, pool, _invite = start_custom(app, market)
    assert (pool.share_rule, pool.min_members, pool.max_members) == ("custom", 3, 3)
    page = sam.get(f"/pools/{pool.id}")
    words = text(page)
    assert "The shares" in words and "It goes ahead only when every place is taken" in words
    assert re.search(r"1\s*£40.00\s*Taken\s*2\s*£40.00\s*Open\s*3\s*£20.00\s*Open", words)
    assert "£40.00 is set aside from the budget; the share is £40.00" in words
    assert balances(market["sam_budget"]).committed_pence == 4_000
    assert ("custom shares, from £20.00 to £40.00; it goes ahead when every place is taken"
            in text(sam.get("/pools")))


@pytest.mark.parametrize("shares, message", [
    ("40, 40, abc", "“abc” is not an amount. Enter an amount in pounds, like 12 or 12.50"),
    ("40, 40, 10", "The shares add up to £90.00, but the total for 10 sessions is £100.00"),
    ("100, 0", "Each share must be at least 1p"),
    ("", "Enter the shares, for example 40, 40, 20"),
    (", ".join(["2"] * 50), "Enter 8 shares or fewer"),
])
def test_bad_shares_are_refused_beside_the_field_and_change_nothing(app, market, shares,
                                                                      message):
    sam = browser(app, market["Sam Patel"][0])
    response = sam.post(f"/services/{market['service'].id}/pools/new",
                        data=custom_form(market, shares=shares))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(r'<p class="field-error" id="shares-error">(.*?)</p>', html, re.S)
    assert error and message in error.group(1).replace("&#34;", '"'), html
    assert "<title>Error:" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pool)) == 0
    assert balances(market["sam_budget"]).committed_pence == 0


def test_an_invitee_sees_every_share_but_not_who_pays_it_and_chooses_one(app, market):
    _sam, pool, invite = start_custom(app, market)
    dani_holder, dani_budget = market["Dani Jones"]
    dani = browser(app, dani_holder)
    page = dani.get(f"/pools/{pool.id}?invite={invite}")
    words = text(page)
    assert "Which share will you pay?" in words
    assert "£40.00 (1 place open)" in words and "£20.00 (1 place open)" in words
    assert "Sam P" in members_table(page) and "£" not in members_table(page)

    no_choice = dani.post(f"/pools/{pool.id}/join",
                          data={"budget_id": str(dani_budget.id), "display_name": "DJ"})
    assert no_choice.status_code == 400
    assert "Choose the share you will pay" in text(no_choice)
    not_open = dani.post(f"/pools/{pool.id}/join", data={
        "budget_id": str(dani_budget.id), "display_name": "DJ", "share_pence": "3000"})
    assert not_open.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 1

    joined = dani.post(f"/pools/{pool.id}/join", data={
        "budget_id": str(dani_budget.id), "display_name": "DJ", "share_pence": "2000"})
    assert joined.status_code == 302
    assert balances(dani_budget).committed_pence == 2_000
    ali = browser(app, market["Ali Khan"][0])
    words = text(ali.get(f"/pools/{pool.id}?invite={invite}"))
    assert "£40.00 (1 place open)" in words and "£20.00 (" not in words
    assert re.search(r"3\s*£20.00\s*Taken", words)


def test_a_supporter_with_the_buy_scope_starts_custom_shares_for_the_person(app, market):
    dani, dani_budget = market["Dani Jones"]
    helper = make_user("supporter", name="Jo Broker")
    grant(dani, helper, ["view", "buy"])
    response = browser(app, helper).post(
        f"/services/{market['service'].id}/pools/new",
        data=custom_form(market, shares="20, 40, 40", holder_id=str(dani.id),
                         budget_id=str(dani_budget.id)))
    assert response.status_code == 302, text(response)
    assert balances(dani_budget).committed_pence == 2_000
    viewer = make_user("supporter")
    grant(dani, viewer, ["view"])
    refused = browser(app, viewer).post(
        f"/services/{market['service'].id}/pools/new",
        data=custom_form(market, holder_id=str(dani.id), budget_id=str(dani_budget.id)))
    assert refused.status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pool)) == 1
