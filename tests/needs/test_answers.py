"""The holder answers quotes: one accepted into a pool (at the quote's price and sessions) or
to arrange with the provider, the rest declined in one step with a kind note; an expired
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


def test_the_provider_learns_who_the_holder_is_only_on_acceptance(app, people):
    sam, arts, eccles, need, arts_quote, _ = _quoted(app, people)
    name, email = people["sam"].display_name, people["sam"].email
    before = text(arts.get(f"/provider/needs/{need.id}"))
    assert name not in before and email not in before
    assert not any(name in message for message in _told(people["arts"].owner))
    sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept",
             data=pool_form(people["sam_budget"]))
    after = text(arts.get(f"/provider/needs/{need.id}"))
    assert "Your quote was accepted" in after and name in after and email in after
    assert any(name in message and "accepted your quote" in message
               for message in _told(people["arts"].owner))
    # The provider whose quote was not taken still does not know.
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


def test_a_need_not_to_be_pooled_is_accepted_and_the_holder_orders_it_themselves(app, people):
    sam, arts, _, need, arts_quote, _ = _quoted(app, people, would_pool=None, group_size="")
    confirm = text(sam.get(f"/needs/{need.id}/quotes/{arts_quote.id}/accept"))
    assert "Accept the quote from Salford Arts?" in confirm and "start the pool" not in confirm
    response = sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept")
    assert response.status_code == 302
    words = text(sam.get(response.headers["Location"]))
    assert "The provider will get in touch to arrange it; you can order it from the service " \
           "page" in words
    assert db.session.scalars(sa.select(Pool)).all() == []
    assert db.session.get(Quote, arts_quote.id).state == "accepted"
    assert people["sam"].email in text(arts.get(f"/provider/needs/{need.id}"))
    # A second acceptance is refused.
    assert sam.post(f"/needs/{need.id}/quotes/{arts_quote.id}/accept").status_code == 400


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
