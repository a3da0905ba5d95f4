"""Providers see the open needs their services cover, never who posted them, and quote; one
quote per provider per need, changed or withdrawn until answered; everyone else gets 404."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import EmailMessage
from tests.needs.helpers import market, need_form, quote_form
from tests.orders.pages import browser, text, with_order_pages


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def people(app):
    found = market()
    sam = browser(app, found["sam"])
    assert sam.post("/needs/new", data=need_form()).status_code == 302
    found["need"] = db.session.scalars(sa.select(Need)).one()
    found["sam_client"] = sam
    return found


def _holder_named(page_words: str, people) -> bool:
    sam = people["sam"]
    return sam.display_name in page_words or sam.email in page_words


def test_providers_serving_the_area_and_category_see_the_need_without_its_holder(app, people):
    for provider in ("arts", "eccles"):  # all of Salford; Eccles's district M30
        client = browser(app, people[provider].owner)
        listing = text(client.get("/provider/needs"))
        assert "A weekly photography walk for 6 people" in listing
        page = client.get(f"/provider/needs/{people['need'].id}")
        words = text(page)
        assert page.status_code == 200 and "Send a quote" in words
        assert "£50.00 to £150.00" in words and "Weekends" in words
        assert not _holder_named(words, people)
    for provider in ("bolton", "peer"):  # another area; another category
        client = browser(app, people[provider].owner)
        assert "photography walk" not in text(client.get("/provider/needs"))
        assert client.get(f"/provider/needs/{people['need'].id}").status_code == 404
        assert client.post(f"/provider/needs/{people['need'].id}",
                           data=quote_form(people["arts_walks"])).status_code == 404
    assert db.session.scalars(sa.select(Quote)).all() == []


def test_a_district_need_is_not_shown_to_a_provider_serving_another_district(app, people):
    sam = people["sam_client"]
    sam.post("/needs/new", data=need_form(words="Walks near Walkden", postcode_district="M28"))
    eccles = browser(app, people["eccles"].owner)
    assert "Walkden" not in text(eccles.get("/provider/needs"))
    assert "Walkden" in text(browser(app, people["arts"].owner).get("/provider/needs"))


def test_a_provider_quotes_changes_it_and_the_holder_compares(app, people):
    need = people["need"]
    arts = browser(app, people["arts"].owner)
    response = arts.post(f"/provider/needs/{need.id}", data=quote_form(people["arts_walks"]))
    assert response.status_code == 302
    assert "Your quote is sent" in text(arts.get(response.headers["Location"]))
    # Changing it keeps one quote.
    arts.post(f"/provider/needs/{need.id}", data=quote_form(people["arts_walks"], price="11"))
    quotes = db.session.scalars(sa.select(Quote)).all()
    assert len(quotes) == 1 and quotes[0].price_pence == 1_100
    eccles = browser(app, people["eccles"].owner)
    eccles.post(f"/provider/needs/{need.id}", data=quote_form(
        people["eccles_walks"], price="9.50", sessions="8", message="Tuesday evenings"))
    page = people["sam_client"].get(f"/needs/{need.id}")
    html = page.get_data(as_text=True)
    words = text(page)
    assert 'class="table-region"' in html
    assert "Salford Arts" in words and "£11.00 per session 6 £66.00" in words
    assert "Eccles Creative" in words and "£9.50 per session 8 £76.00" in words
    assert "Tuesday evenings" in words


def test_bad_quotes_say_what_to_fix_and_save_nothing(app, people):
    need = people["need"]
    arts = browser(app, people["arts"].owner)
    for changes, message in (({"days": 0}, "from tomorrow to three months ahead"),
                             ({"days": 120}, "from tomorrow to three months ahead"),
                             ({"price": "0"}, "more than £0"),
                             ({"price": "lots"}, "Enter an amount in pounds"),
                             ({"sessions": "0"}, "from 1 to 500")):
        response = arts.post(f"/provider/needs/{need.id}",
                             data=quote_form(people["arts_walks"], **changes))
        assert response.status_code == 400, changes
        field_error = response.get_data(as_text=True).split('class="field-error"')[1]
        assert message in field_error.split("</p>")[0], changes
    # Another provider's service is not theirs to quote with.
    response = arts.post(f"/provider/needs/{need.id}", data=quote_form(people["eccles_walks"]))
    assert response.status_code == 400
    assert db.session.scalars(sa.select(Quote)).all() == []


def test_holders_commissioners_and_other_holders_cannot_quote_or_see(app, people):
    need = people["need"]
    from tests.pools.helpers import holder_with_budget

    other, _ = holder_with_budget("Dani Jones")
    for user in (people["sam"], people["commissioner"], other):
        client = browser(app, user)
        assert client.get(f"/provider/needs/{need.id}").status_code == 404
        assert client.post(f"/provider/needs/{need.id}",
                           data=quote_form(people["arts_walks"])).status_code == 404
        assert client.get("/provider/needs").status_code == 404
    for user in (other, people["commissioner"], people["arts"].owner):
        client = browser(app, user)
        for path in (f"/needs/{need.id}", f"/needs/{need.id}/peers"):
            assert client.get(path).status_code == 404, path
        for path in (f"/needs/{need.id}/close", f"/needs/{need.id}/decline-others"):
            assert client.post(path).status_code == 404, path
    assert db.session.scalars(sa.select(Quote)).all() == []
    assert db.session.get(Need, need.id).state == "open"


def test_a_quote_can_be_withdrawn_until_answered_and_then_given_again(app, people):
    need = people["need"]
    arts = browser(app, people["arts"].owner)
    arts.post(f"/provider/needs/{need.id}", data=quote_form(people["arts_walks"]))
    response = arts.post(f"/provider/needs/{need.id}/withdraw")
    assert response.status_code == 302
    assert "Your quote is withdrawn" in text(arts.get(response.headers["Location"]))
    assert "Salford Arts" not in text(people["sam_client"].get(f"/needs/{need.id}"))
    arts.post(f"/provider/needs/{need.id}", data=quote_form(people["arts_walks"]))
    states = sorted(q.state for q in db.session.scalars(sa.select(Quote)))
    assert states == ["live", "withdrawn"]
    # The holder heard of the first quote; the provider was never told who they are.
    to_sam = db.session.scalars(sa.select(EmailMessage.subject).where(
        EmailMessage.to_address == people["sam"].email)).all()
    assert to_sam.count("A quote for your need") == 2
    to_arts = db.session.scalars(sa.select(EmailMessage.body).where(
        EmailMessage.to_address == people["arts"].owner.email)).all()
    assert not any(_holder_named(body, people) for body in to_arts)
