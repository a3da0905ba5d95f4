"""Who has seen my information: each time a supporter (or staff of the organisation holding
the managed account) looks at a holder's plan, budget or orders, on a page or through the API,
one row is written; never when the holder looks, when the look is refused, or for the pages'
files. The holder reads the list, newest first, paged; nobody else can; the commissioners'
audit log counts supporters' looks by reference, without names."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from marketplace.api import auth
from marketplace.budgets import plans
from marketplace.datarights import views_log
from marketplace.datarights.models import InformationView
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.datarights.conftest import note_and_write
from tests.factories import make_user
from tests.orders.pages import Market, anonymous, browser, grant, text, with_order_pages

SEEN = "/account/who-has-seen"


@pytest.fixture
def market(app):
    with_order_pages(app)
    market = Market()
    market.staff.display_name = "Mo Khan"
    market.jo = make_user("supporter", name="Jo Broker", email="jo@broker.example.org")
    grant(market.sam, market.jo, ["view", "plan"])
    plans.save_plan(market.sam, about_me="Photography again.", review_on=None, actor=market.sam)
    market.order = orders.place_order(market.sam, market.sam.id,
                                      OrderRequest(market.budget.id, market.service.id, 1))
    db.session.commit()
    return market


def _views() -> list[tuple]:
    db.session.expire_all()
    return [(view.viewer_id, view.holder_id, view.viewer_relation, view.what, view.subject_id,
             view.channel) for view in db.session.scalars(
                 sa.select(InformationView).order_by(InformationView.id))]


def _pages(market) -> list[str]:
    sam, budget = market.sam, market.budget
    return [f"/people/{sam.id}/plan", f"/people/{sam.id}/budget",
            f"/people/{sam.id}/budget/{budget.id}/statement",
            f"/people/{sam.id}/budget/{budget.id}/statement.csv",
            f"/people/{sam.id}/orders", f"/orders/{market.order.id}"]


def test_a_supporters_look_at_each_page_is_written_once(app, market):
    jo = browser(app, market.jo)
    for url in _pages(market):
        assert jo.get(url).status_code == 200, url
    sam, jo_id, budget, order = market.sam.id, market.jo.id, market.budget.id, market.order.id
    assert _views() == [
        (jo_id, sam, "supporter", "plan", None, "page"),
        (jo_id, sam, "supporter", "budget", None, "page"),
        (jo_id, sam, "supporter", "statement", budget, "page"),
        (jo_id, sam, "supporter", "statement", budget, "page"),
        (jo_id, sam, "supporter", "orders", None, "page"),
        (jo_id, sam, "supporter", "order", order, "page"),
    ]


def test_nothing_is_written_when_the_holder_looks_or_a_look_is_refused(app, market):
    sam = browser(app, market.sam)
    for url in ("/plan", "/budget", f"/budget/{market.budget.id}/statement", "/orders",
                f"/orders/{market.order.id}"):
        assert sam.get(url).status_code == 200, url
    stranger = browser(app, make_user("supporter"))
    for url in _pages(market):
        assert stranger.get(url).status_code == 404, url
    # A provider sees its own order in its own right, not on Sam's behalf.
    assert browser(app, market.provider_owner).get(
        f"/orders/{market.order.id}").status_code == 200
    with browser(app, market.jo).get("/static/css/site.css") as stylesheet:
        assert stylesheet.status_code == 200
    assert _views() == []


def test_staff_of_the_organisation_holding_the_budget_are_written_when_they_open_an_order(
        app, market):
    assert browser(app, market.staff).get(f"/orders/{market.order.id}").status_code == 200
    assert browser(app, market.other_staff).get(f"/orders/{market.order.id}").status_code == 404
    assert _views() == [(market.staff.id, market.sam.id, "organisation_staff", "order",
                         market.order.id, "page")]


def test_a_supporters_program_is_written_as_through_the_api(client, market):
    _, secret = auth.create_token(market.jo, "Jo's spreadsheet", ["read"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me/budgets", headers=headers).status_code == 200
    assert client.get(f"/api/v1/me/statement?budget_id={market.budget.id}",
                      headers=headers).status_code == 200
    assert client.get(f"/api/v1/orders/{market.order.id}", headers=headers).status_code == 200
    assert client.get("/api/v1/orders/99999", headers=headers).status_code == 404
    sam, jo = market.sam.id, market.jo.id
    assert _views() == [(jo, sam, "supporter", "budget", None, "api"),
                        (jo, sam, "supporter", "statement", market.budget.id, "api"),
                        (jo, sam, "supporter", "order", market.order.id, "api")]


def test_the_holder_sees_who_looked_at_what_and_when_newest_first(app, market, clock):
    clock.set(datetime(2026, 7, 1, 8, 5, tzinfo=timezone.utc))  # 09:05 in London (summer)
    browser(app, market.jo).get(f"/people/{market.sam.id}/plan")
    clock.set(datetime(2026, 7, 2, 13, 0, tzinfo=timezone.utc))
    browser(app, market.staff).get(f"/orders/{market.order.id}")
    page = text(browser(app, market.sam).get(SEEN))
    assert "Who has seen my information" in page
    assert ("2 July 2026, 14:00 Mo Khan Staff at Salford Independent Living Your order "
            f"{market.order.id}: Photography group On the website") in page
    assert "1 July 2026, 09:05 Jo Broker Your supporter Your support plan On the website" in page
    assert page.index("2 July 2026") < page.index("1 July 2026")


def test_the_holders_list_is_paged(app, market):
    for _ in range(views_log.PER_PAGE + 3):
        note_and_write(market.jo, market.sam.id, "orders")
    sam = browser(app, market.sam)
    first = text(sam.get(SEEN))
    assert "Page 1 of 2" in first and "Older" in first
    assert first.count("Your list of orders") == views_log.PER_PAGE
    second = text(sam.get(f"{SEEN}?page=2"))
    assert second.count("Your list of orders") == 3 and "Newer" in second
    assert "There is nothing on this page" in text(sam.get(f"{SEEN}?page=9"))
    assert sam.get(f"{SEEN}?page=abc").status_code == 400


def test_nobody_else_reads_a_holders_list(app, market):
    note_and_write(market.jo, market.sam.id, "plan")
    for someone in (market.jo, market.staff, market.provider_owner, market.commissioner):
        response = browser(app, someone).get(SEEN)
        assert response.status_code == 403, someone.role
        assert "Your support plan" not in text(response)
    other = text(browser(app, market.other_holder).get(SEEN))
    assert "Nobody else has looked" in other and "Jo Broker" not in other
    signed_out = anonymous(app).get(SEEN)
    assert signed_out.status_code == 302 and "/login" in signed_out.location


def test_the_holder_finds_the_list_from_the_account_and_supporters_pages(app, market):
    sam = browser(app, market.sam)
    assert SEEN in sam.get("/account").get_data(as_text=True)
    assert SEEN in sam.get("/supporters").get_data(as_text=True)
    assert "/account/data" in sam.get("/account").get_data(as_text=True)


def test_the_audit_log_counts_supporters_looks_by_reference_without_names(app, market):
    browser(app, market.jo).get(f"/people/{market.sam.id}/budget/{market.budget.id}/statement")
    browser(app, market.jo).get(f"/people/{market.sam.id}/plan")
    browser(app, market.staff).get(f"/orders/{market.order.id}")  # staff: not supporters' access
    page = text(browser(app, market.commissioner).get("/commissioning/audit?kind=supporters"))
    from marketplace.commissioning.audit import budget_reference

    assert (f"A supporter looked at a budget holder’s budget statement "
            f"{budget_reference(market.budget.id)}") in page
    assert "A supporter looked at a budget holder’s support plan (Plan P-" in page
    assert page.count("A supporter looked at") == 2
    for private in ("Sam Patel", "Jo Broker", "Mo Khan", "@example.org"):
        assert private not in page, private
