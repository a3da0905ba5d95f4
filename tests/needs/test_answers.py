"""The holder answers quotes: one accepted into a pool (at the quote's price and sessions) or
by ordering it at the quoted price, the rest declined in one step with a kind note; an expired
quote cannot be accepted; the provider learns who the holder is only on acceptance."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.answers import KIND_DECLINE
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.pools.models import Pool
from tests.needs.helpers import market, need_form, pool_form, quote_form
from tests.orders.pages import browser, text, with_order_pages
from tests.pools.helpers import balances


@pytest.fixture
def app(app):
    return with_order_pages(app)


def _quoted(app, people, **need_changes):
    sam = browser(app, people["sam"])
    assert sam.post("/needs/new", data=need_form(**need_changes)).status_code == 302
    need = db.session.scalars(sa.select(Need)).one()
    arts = browser(app, people["arts"].owner)
    eccles = browser(app, people["eccles"].owner)
    arts.post(f"/provider/needs/{need.id}", data=quote_form(people["arts_walks"]))
    eccles.post(f"/provider/needs/{need.id}", data=quote_form(
        people["eccles_walks"], price="9", sessions="8"))
    quotes = {q.provider_id: q for q in db.session.scalars(sa.select(Quote))}
    return sam, arts, eccles, need, quotes[people["arts"].id], quotes[people["eccles"].id]


@pytest.fixture
def people(app):
    return market()


def _told(user) -> list[str]:
    return db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def test_accepting_a_quote_into_a_pool_uses_the_quoted_price_and_sessions(app, people):
    sam, arts, eccles, need, _, eccles_quote = _quoted(app, people)
    page = sam.get(f"/needs/{need.id}/quotes/{eccles_quote.id}/accept")
    assert page.status_code == 200
    assert "8 × £9.00 per session = £72.00" in text(page)
    response = sam.post(f"/needs/{need.id}/quotes/{eccles_quote.id}/accept",
                        data=pool_form(people["sam_budget"]))
    assert response.status_code == 302, text(response)
    assert "invite=" in response.headers["Location"]
    pool = db.session.scalars(sa.select(Pool)).one()
    # The camera club is not poolable on its own page; the quote for a group says it may be.
    assert pool.service_id == people["eccles_walks"].id
    assert (pool.sessions, pool.unit_price_pence, pool.target_pence) == (8, 900, 7_200)
    assert (pool.local_authority, pool.category) == ("salford", "arts")
    assert balances(people["sam_budget"]).committed_pence == 3_600  # at most £72 / 2
    db.session.expire_all()
    assert db.session.get(Quote, eccles_quote.id).state == "accepted"
    assert db.session.get(Quote, eccles_quote.id).pool_id == pool.id
    assert db.session.get(Need, need.id).state == "accepted"
    words = text(sam.get(f"/needs/{need.id}"))
    assert "A quote was accepted" in words and "see the pool" in words


def test_a_bad_pool_form_from_a_quote_changes_nothing(app, people):
    sam, _, _, need, arts_quote, _ = _quoted(app, people)
    response = sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
                        data=pool_form(people["sam_budget"], min_members="1"))
    assert response.status_code == 400
    assert "from 2 to 50" in text(response)
    assert db.session.scalars(sa.select(Pool)).all() == []
    assert db.session.get(Quote, arts_quote.id).state == "live"


def test_a_provider_whose_quote_starts_a_pool_never_learns_who_the_holder_is(app, people):
    sam, arts, eccles, need, arts_quote, _ = _quoted(app, people)
    name, email = people["sam"].display_name, people["sam"].email
    assert name not in text(arts.get(f"/provider/needs/{need.id}"))
    sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
             data=pool_form(people["sam_budget"]))
    after = text(arts.get(f"/provider/needs/{need.id}"))
    assert "Your quote was accepted" in after and "They started a group pool from it" in after
    # Pool members are named to a provider only by the names they choose for the pool.
    assert name not in after and email not in after
    told = _told(people["arts"].owner)
    assert any("was accepted" in message for message in told)
    assert not any(name in message or email in message for message in told)
    other = text(eccles.get(f"/provider/needs/{need.id}"))
    assert name not in other and email not in other


def test_declining_the_rest_sends_each_other_provider_the_kind_note(app, people):
    sam, _, _, need, arts_quote, eccles_quote = _quoted(app, people)
    third = people["peer"]
    from tests.factories import make_service

    third_walks = make_service(third, title="Art walks", category="arts")
    browser(app, third.owner).post(f"/provider/needs/{need.id}", data=quote_form(third_walks))
    sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
             data=pool_form(people["sam_budget"]))
    response = sam.post(f"/needs/{need.id}/decline-others")
    assert response.status_code == 302
    assert "2 quotes declined" in text(sam.get(response.headers["Location"]))
    kind = KIND_DECLINE.format(words="A weekly photography walk for 6 people")
    for provider in (people["eccles"], third):
        assert _told(provider.owner)[-1] == kind
    assert kind not in _told(people["arts"].owner)
    states = {q.provider_id: q.state for q in db.session.scalars(sa.select(Quote))}
    assert states == {people["arts"].id: "accepted", people["eccles"].id: "declined",
                      third.id: "declined"}
    assert "Thank you for your quote" in text(
        browser(app, people["eccles"].owner).get(f"/provider/needs/{need.id}"))
    # Once answered, nothing more to decline.
    again = sam.post(f"/needs/{need.id}/decline-others")
    assert again.status_code == 400 and "no quotes waiting" in text(again)


def test_an_expired_quote_cannot_be_accepted(app, people, clock):
    _, _, _, need, arts_quote, _ = _quoted(app, people)
    clock.set(clock.now + timedelta(days=25))  # the quote was open for 20 days
    sam = browser(app, people["sam"])
    page = sam.get(f"/needs/{need.id}")
    assert "Ran out" in text(page)
    assert f"/quotes/{arts_quote.id}/accept" not in page.get_data(as_text=True)
    response = sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
                        data=pool_form(people["sam_budget"]))
    assert response.status_code == 409
    assert re.search(r"This quote ran out on \d+ \w+ \d{4}, so it cannot be accepted",
                     text(response))
    assert db.session.scalars(sa.select(Pool)).all() == []
    assert db.session.get(Quote, arts_quote.id).state == "live"


def _order_at_quote(sam, service_id: int, quote_id: int, budget, quantity: str = "6"):
    """Check, then place, the order at the quoted price, as the order pages do."""
    form = sam.get(f"/services/{service_id}/order?quote_id={quote_id}")
    fields = {"holder_id": str(budget.holder_id), "token": "quote-order-token-1",
              "quote_id": str(quote_id), "budget_id": str(budget.id), "quantity": quantity}
    check = sam.get(f"/services/{service_id}/order/check", query_string=fields)
    if check.status_code != 200:
        return form, check, None
    page = check.get_data(as_text=True)
    posted = dict(fields, **{name: re.search(rf'name="{name}" value="(\w+)"', page)[1]
                             for name in ("confirmed_total_pence", "confirmed_unit_price_pence",
                                          "confirmed_price_unit")})
    return form, check, sam.post(f"/services/{service_id}/order", data=posted)


def test_a_need_not_to_be_pooled_is_accepted_by_ordering_it_at_the_quoted_price(app, people):
    sam, arts, eccles, need, arts_quote, _ = _quoted(app, people, would_pool=None,
                                                     group_size="")
    start = sam.get(f"/needs/{need.id}/quotes/{arts_quote.id}/accept")
    assert start.status_code == 302
    assert f"/services/{people['arts_walks'].id}/order?quote_id={arts_quote.id}" in \
        start.headers["Location"]
    before = balances(people["sam_budget"])
    # Another number of sessions than quoted is refused beside the field.
    _, check, _ = _order_at_quote(sam, people["arts_walks"].id, arts_quote.id,
                                  people["sam_budget"], quantity="4")
    assert check.status_code == 400
    assert "Salford Arts quoted for 6 sessions: order 6, or ask them for a new quote" in \
        text(check)
    form, check, placed = _order_at_quote(sam, people["arts_walks"].id, arts_quote.id,
                                          people["sam_budget"])
    assert "at the price they quoted for your need : 6 × £12.50 per session, £75.00 in all" \
        in text(form)
    assert "6 × £12.50 per session, the price Salford Arts quoted" in text(check)
    assert placed.status_code == 302, text(placed)
    order = db.session.scalars(sa.select(Order)).one()
    # The service costs £10.00 a session; the order is at the quote's £12.50 for 6.
    assert (order.unit_price_pence, order.quantity, order.total_pence) == (1_250, 6, 7_500)
    assert balances(people["sam_budget"]).available_pence == before.available_pence - 7_500
    quote = db.session.get(Quote, arts_quote.id)
    assert (quote.state, quote.order_id) == ("accepted", order.id)
    assert db.session.get(Need, need.id).state == "accepted"
    assert "ordered it from Salford Arts at the quoted price" in text(sam.get(f"/needs/{need.id}"))
    # The provider whose quote was ordered sees who ordered it, as every order says; the
    # other provider never does, and nobody is given the holder's email.
    name, email = people["sam"].display_name, people["sam"].email
    accepted = text(arts.get(f"/provider/needs/{need.id}"))
    assert f"{name} ordered it at your quoted price" in accepted and email not in accepted
    assert name not in text(eccles.get(f"/provider/needs/{need.id}"))
    # The quote is ordered once: a second order from it is refused, and nothing is set aside.
    again = sam.get(f"/services/{people['arts_walks'].id}/order?quote_id={arts_quote.id}")
    assert "This need has already been answered" in text(again)
    assert sam.get(start.headers["Location"]).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1


def test_nobody_else_can_order_at_a_holders_quoted_price(app, people):
    _, _, _, need, arts_quote, _ = _quoted(app, people, would_pool=None, group_size="")
    from tests.pools.helpers import holder_with_budget

    other, other_budget = holder_with_budget("Dani Jones")
    dani = browser(app, other)
    url = f"/services/{people['arts_walks'].id}/order?quote_id={arts_quote.id}"
    assert dani.get(url).status_code == 404
    _, check, _ = _order_at_quote(dani, people["arts_walks"].id, arts_quote.id, other_budget)
    assert check.status_code == 404
    assert db.session.scalars(sa.select(Order)).all() == []
    assert db.session.get(Quote, arts_quote.id).state == "live"


def test_other_people_cannot_accept_or_decline(app, people):
    _, arts, _, need, arts_quote, _ = _quoted(app, people)
    from tests.pools.helpers import holder_with_budget

    other, other_budget = holder_with_budget("Dani Jones")
    for client in (browser(app, other), arts, browser(app, people["commissioner"])):
        assert client.get(f"/needs/{need.id}/quotes/{arts_quote.id}/accept").status_code == 404
        assert client.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
                           data=pool_form(other_budget)).status_code == 404
    assert db.session.get(Quote, arts_quote.id).state == "live"
    assert db.session.get(Need, need.id).state == "open"
