"""Closing an account is refused, changing nothing, while anything is still open (each is
listed with the page where it is settled), with a wrong or missing password, without the
form's CSRF token, when logged out, and for staff accounts. Nobody can close someone else's
account: the page only ever closes the signed-in person's own."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.orders import services as orders
from marketplace.pools import services as pools
from marketplace.times import london_today
from tests.factories import PASSWORD, make_funded_budget, make_provider, make_service, make_user
from tests.orders.pages import anonymous, browser, grant, text


@pytest.fixture
def app(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return app


def _is_open(user) -> bool:
    db.session.expire_all()
    person = db.session.get(User, user.id)
    return person.closed_at is None and person.is_active_account and person.email == user.email


@pytest.fixture
def busy_holder():
    """Sam has an order waiting for approval, a pledge to an open pool and an open need."""
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=50_000)
    provider = make_provider(make_user("provider", name="Bea Bright"), name="Bright Days")
    service = make_service(provider, title="Photography group", price_pence=2_500)
    group = make_service(provider, title="Photo walks", price_pence=1_000, is_group=True,
                         capacity=8, poolable=True, category="arts")
    order = orders.place_order(holder, holder.id, orders.OrderRequest(budget.id, service.id, 2))
    started = pools.start_pool(holder, holder.id, pools.PoolRequest(
        service_id=group.id, sessions=4, min_members=2, max_members=3,
        deadline_on=london_today() + timedelta(days=14), title="Walks together"),
        pools.Pledge(budget.id, "Sam P"))
    need = needs.post_need(holder, holder.id, needs.NeedDetails(
        words="Someone to walk with in the evenings, please", category="befriending",
        local_authority="salford", timing="evenings", budget_low_pence=1_000,
        budget_high_pence=5_000))
    db.session.commit()
    return holder, order, started.pool, started.member, need


def test_what_is_still_open_is_listed_with_where_to_settle_it(app, busy_holder):
    holder, order, pool, _member, need = busy_holder
    page = browser(app, holder).get("/account/close")
    words = text(page)
    assert page.status_code == 200 and "Finish these first" in words
    assert (f"Order {order.id} for Photography group (£50.00): Waiting for approval by the "
            "account holder organisation. Cancel it, or wait for the answer.") in words
    assert "Your pledge of" in words and "to the pool Walks together. Leave the pool" in words
    assert "A need on the needs board that is still asking providers for quotes." in words
    html = page.get_data(as_text=True)
    for link in (f'href="/orders/{order.id}"', f'href="/pools/{pool.id}"',
                 f'href="/needs/{need.id}"'):
        assert link in html
    assert 'name="password"' not in html  # no form until nothing is open


def test_closing_while_anything_is_open_is_refused_and_changes_nothing(app, busy_holder):
    holder, *_ = busy_holder
    response = browser(app, holder).post("/account/close", data={"password": PASSWORD})
    assert response.status_code == 409
    assert "Some things are still open" in text(response)
    assert _is_open(holder)


def test_once_everything_is_settled_the_form_appears_and_closing_works(app, busy_holder):
    holder, order, _pool, member, need = busy_holder
    orders.act_on_order(holder, order.id, "cancel")
    pools.leave_pool(holder, member.id)
    needs.close_need(holder, need.id)
    db.session.commit()
    sam = browser(app, holder)
    assert 'name="password"' in sam.get("/account/close").get_data(as_text=True)
    assert sam.post("/account/close", data={"password": PASSWORD}).status_code == 302
    assert not _is_open(holder)


def test_a_delivered_order_must_be_confirmed_or_disputed_first(app):
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=10_000, auto_approve_limit_pence=10_000)
    service = make_service(title="Gardening help")
    order = orders.place_order(holder, holder.id, orders.OrderRequest(budget.id, service.id, 1))
    orders.act_on_order(service.provider.owner, order.id, "accept")
    orders.act_on_order(service.provider.owner, order.id, "deliver")
    db.session.commit()
    words = text(browser(app, holder).get("/account/close"))
    assert f"Order {order.id} for Gardening help" in words
    assert "Confirm it was delivered, or say what went wrong." in words


def test_a_wrong_or_missing_password_is_said_beside_the_field(app):
    holder = make_user("holder")
    sam = browser(app, holder)
    response = sam.post("/account/close", data={"password": "not my password"})
    assert response.status_code == 400
    assert "Your password: Your password is not right" in text(response)
    response = sam.post("/account/close", data={"password": ""})
    assert response.status_code == 400 and "Enter your password" in text(response)
    assert _is_open(holder)


def test_the_form_needs_its_csrf_token(app):
    holder = make_user("holder")
    sam = browser(app, holder)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = sam.post("/account/close", data={"password": PASSWORD})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and "form has expired" in text(response)
    assert _is_open(holder)


def test_logged_out_people_are_sent_to_log_in(app):
    holder = make_user("holder")
    for method in ("get", "post"):
        response = getattr(anonymous(app), method)("/account/close",
                                                   data={"password": PASSWORD})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _is_open(holder)


def test_a_supporter_closes_only_their_own_account_never_the_holders(app):
    holder = make_user("holder", name="Sam Patel")
    supporter = make_user("supporter", name="Jo Reed")
    grant(holder, supporter, ["view", "plan", "buy"])
    jo = browser(app, supporter)
    # The holder's password does not close anything: the page checks the signed-in person's.
    response = jo.post("/account/close", data={"password": "the holder's password"})
    assert response.status_code == 400 and _is_open(supporter)
    assert jo.post("/account/close", data={"password": PASSWORD}).status_code == 302
    assert _is_open(holder) and not _is_open(supporter)
    assert db.session.get(User, holder.id).display_name == "Sam Patel"


@pytest.mark.parametrize("role", ["commissioner", "account_manager", "moderator"])
def test_staff_accounts_are_closed_by_their_organisation_not_here(app, role):
    person = make_user(role)
    client = browser(app, person)
    page = client.get("/account/close")
    assert "This is a staff account" in text(page)
    assert 'name="password"' not in page.get_data(as_text=True)
    response = client.post("/account/close", data={"password": PASSWORD})
    assert response.status_code == 403 and _is_open(person)


def test_the_account_page_links_to_closing(app):
    page = browser(app, make_user("holder")).get("/account").get_data(as_text=True)
    assert 'href="/account/close"' in page


def test_nothing_else_is_closed_with_it(app):
    holder, other = make_user("holder"), make_user("holder")
    browser(app, holder).post("/account/close", data={"password": PASSWORD})
    assert not _is_open(holder) and _is_open(other)
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.closed_at.is_not(None))) == 1
