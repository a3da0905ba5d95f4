"""The pool pages as each person uses them, without JavaScript: start from the service page,
invite, join, leave (with a confirmation), the organisation's approvals, and every refusal
(a stranger, a provider, a commissioner: 404)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.pools.models import Pool, PoolMember
from marketplace.times import london_today
from tests.factories import make_account_manager, make_user
from tests.orders.pages import anonymous, browser, grant, text, with_order_pages
from tests.pools.helpers import balances, group_service, holder_with_budget, organisation


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def market(app):
    org = organisation(auto_approve_limit_pence=0)
    staff = make_account_manager(org)
    service = group_service()
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    dani, dani_budget = holder_with_budget("Dani Jones", organisation=org)
    return {"org": org, "staff": staff, "service": service, "sam": sam, "sam_budget": sam_budget,
            "dani": dani, "dani_budget": dani_budget}


def start_form(market, **changes) -> dict:
    closing = london_today() + timedelta(days=10)
    form = {"title": "Saturday photography walks", "what_it_buys": "Six Saturday mornings",
            "sessions": "6", "min_members": "3", "max_members": "4",
            "closing_date-day": str(closing.day), "closing_date-month": str(closing.month),
            "closing_date-year": str(closing.year), "open_to": "invite",
            "budget_id": str(market["sam_budget"].id), "display_name": "Sam P"}
    form.update(changes)
    return form


def started(app, market):
    sam = browser(app, market["sam"])
    response = sam.post(f"/services/{market['service'].id}/pools/new", data=start_form(market))
    assert response.status_code == 302, text(response)
    invite = re.search(r"invite=([^&\s\"]+)", response.headers["Location"]).group(1)
    pool = db.session.scalars(sa.select(Pool)).one()
    return sam, pool, invite


def test_the_service_page_offers_to_start_a_pool_and_the_starter_gets_an_invite(app, market):
    sam = browser(app, market["sam"])
    page = text(sam.get(f"/services/{market['service'].id}"))
    assert "Buy it together" in page and "Start a pool for this" in page

    form_page = sam.get(f"/services/{market['service'].id}/pools/new")
    assert form_page.status_code == 200
    assert "Your share" in text(form_page)

    response = sam.post(f"/services/{market['service'].id}/pools/new", data=start_form(market))
    assert response.status_code == 302
    pool_page = sam.get(response.headers["Location"])
    words = text(pool_page)
    assert "Invite people" in words and "this is the only time the link is shown" in words
    assert "Taking pledges until" in words
    assert "£20.00 is set aside from the budget" in words
    assert "Sam P (you)" in words
    assert balances(market["sam_budget"]).committed_pence == 2_000
    # The link is shown once: the pool page without it does not show it again.
    assert "Invite people" not in text(sam.get(f"/pools/{db.session.scalars(sa.select(Pool)).one().id}"))


def test_a_bad_start_form_says_what_to_fix_and_changes_nothing(app, market):
    sam = browser(app, market["sam"])
    response = sam.post(f"/services/{market['service'].id}/pools/new",
                        data=start_form(market, min_members="5", max_members="3",
                                        **{"closing_date-year": str(london_today().year - 1)},
                                        display_name=""))
    assert response.status_code == 400
    words = text(response)
    assert words.startswith("Error:") or "<title>Error:" in response.get_data(as_text=True)
    assert "The most people must be at least the fewest people" in words
    assert "Enter the name other members will see" in words
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pool)) == 0
    assert balances(market["sam_budget"]).committed_pence == 0


def test_an_invitee_joins_and_others_see_only_display_names(app, market):
    _sam, pool, invite = started(app, market)
    dani = browser(app, market["dani"])
    assert dani.get(f"/pools/{pool.id}").status_code == 404  # no invite yet
    page = dani.get(f"/pools/{pool.id}?invite={invite}")
    assert page.status_code == 200
    words = text(page)
    assert "Join this pool" in words and "Sam P" in words
    assert "Sam Patel" not in words
    # The invite is remembered for this browser.
    response = dani.post(f"/pools/{pool.id}/join",
                         data={"budget_id": str(market["dani_budget"].id),
                               "display_name": "DJ"})
    assert response.status_code == 302
    words = text(dani.get(f"/pools/{pool.id}"))
    assert "DJ (you)" in words and "Sam P" in words and "Sam Patel" not in words
    assert balances(market["dani_budget"]).committed_pence == 2_000


def test_leaving_asks_first_and_gives_the_money_back(app, market):
    sam, pool, _invite = started(app, market)
    member = db.session.scalars(sa.select(PoolMember)).one()
    confirm = sam.post(f"/pools/{pool.id}/leave", data={"member_id": str(member.id)})
    assert confirm.status_code == 200
    assert "the £20.00 set aside goes back to the budget" in text(confirm)
    assert balances(market["sam_budget"]).committed_pence == 2_000
    done = sam.post(f"/pools/{pool.id}/leave",
                    data={"member_id": str(member.id), "confirmed": "yes"}, follow_redirects=True)
    assert "Every penny of your pledge is back in your budget" in text(done)
    assert balances(market["sam_budget"]).committed_pence == 0


def test_the_organisation_approves_pledges_from_its_page(app, market):
    _sam, pool, _invite = started(app, market)
    staff = browser(app, market["staff"])
    page = text(staff.get("/managed/pool-pledges"))
    assert "Group purchase pledges to approve (1)" in page
    assert "Sam Patel: Saturday photography walks" in page
    member = db.session.scalars(sa.select(PoolMember)).one()
    refused = staff.post(f"/managed/pool-pledges/{member.id}/refuse", data={"reason": ""})
    assert refused.status_code == 400
    assert "Say why the pledge is not approved" in text(refused)
    done = staff.post(f"/managed/pool-pledges/{member.id}/approve", follow_redirects=True)
    assert "The pledge is approved." in text(done)
    db.session.expire_all()
    assert db.session.get(PoolMember, member.id).state == "secured"
    # Another organisation's staff cannot act on it.
    other = browser(app, make_account_manager(organisation(auto_approve_limit_pence=1)))
    refused = other.post(f"/managed/pool-pledges/{member.id}/approve", follow_redirects=True)
    assert "We could not find that pledge." in text(refused)
    assert "Group purchase pledges to approve (0)" in text(refused)


def test_strangers_providers_and_commissioners_cannot_see_an_invite_only_pool(app, market):
    _sam, pool, _invite = started(app, market)
    for role in ("holder", "provider", "commissioner"):
        assert browser(app, make_user(role)).get(f"/pools/{pool.id}").status_code == 404, role
    owner = browser(app, market["service"].provider.owner)
    assert owner.get(f"/pools/{pool.id}").status_code == 404
    assert anonymous(app).get(f"/pools/{pool.id}").status_code == 302  # to the login page
    outsider = browser(app, make_user("holder"))
    assert outsider.post(f"/pools/{pool.id}/join", data={}).status_code == 404


def test_a_supporter_with_the_buy_scope_pledges_for_the_person(app, market):
    _sam, pool, invite = started(app, market)
    helper = make_user("supporter", name="Jo Broker")
    grant(market["dani"], helper, ["view", "buy"])
    jo = browser(app, helper)
    page = text(jo.get(f"/pools/{pool.id}?invite={invite}"))
    assert "You are pledging for Dani Jones" in page
    response = jo.post(f"/pools/{pool.id}/join",
                       data={"holder_id": str(market["dani"].id),
                             "budget_id": str(market["dani_budget"].id), "display_name": "D"})
    assert response.status_code == 302
    assert balances(market["dani_budget"]).committed_pence == 2_000
    viewer = make_user("supporter")
    grant(market["dani"], viewer, ["view"])
    assert browser(app, viewer).post(
        f"/pools/{pool.id}/join", data={"holder_id": str(market["dani"].id),
                                        "budget_id": str(market["dani_budget"].id),
                                        "display_name": "D"}).status_code in (403, 404)


def test_a_funded_pool_says_what_each_paid_and_what_came_back(app, market):
    from tests.pools.helpers import request as pool_request
    from marketplace.pools import services as pools
    from marketplace.pools.services import Pledge

    easy = organisation()
    people = [holder_with_budget(name, organisation=easy) for name in ("Ana", "Ben", "Cal")]
    (ana, ana_budget), *rest = people
    started = pools.start_pool(ana, ana.id, pool_request(market["service"], min_members=2,
                                                         max_members=3),
                               Pledge(ana_budget.id, "Ana"))
    for holder, budget in rest:
        pools.join_pool(holder, holder.id, started.pool.id, Pledge(budget.id, holder.display_name))
    db.session.commit()
    words = text(browser(app, ana).get(f"/pools/{started.pool.id}"))
    assert "Going ahead: every share is in" in words
    # Pledged up to £30.00 each (£60.00 over 2); three joined, so each paid £20.00.
    assert "The share came to £20.00; the other £10.00 of the £30.00 pledged is back" in words
    assert "Pledged so far" not in words and "At most" not in words
