"""Posting a need as a holder or a supporter with the buy scope; bad input is refused beside
the field and nothing is saved; the words are shown escaped; a need can be closed."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Need
from tests.factories import make_user
from tests.needs.helpers import market, need_form
from tests.orders.pages import anonymous, browser, grant, text, with_order_pages


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def people(app):
    return market()


def test_a_holder_posts_a_need_and_sees_it_with_its_details(app, people):
    sam = browser(app, people["sam"])
    assert "Post a need" in text(sam.get("/needs"))
    response = sam.post("/needs/new", data=need_form(
        words="A weekly <b>photography</b> walk for 6 people"))
    assert response.status_code == 302
    page = sam.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    words = text(page)
    assert "Your need is posted" in words and "Open for quotes" in words
    assert "&lt;b&gt;photography&lt;/b&gt;" in html and "<b>photography" not in html
    assert "Arts and creative activities" in words and "Salford (M30)" in words
    assert "£50.00 to £150.00" in words and "Weekends" in words
    assert "would buy it together with others in a pool" in words
    need = db.session.scalars(sa.select(Need)).one()
    assert (need.budget_low_pence, need.budget_high_pence, need.group_size) == (5_000, 15_000, 6)
    assert need.holder_id == people["sam"].id and need.posted_by_id == people["sam"].id
    assert "walk for 6 people" in text(sam.get("/needs"))


@pytest.mark.parametrize("changes, field_label, message", [
    ({"words": "   "}, "What do you need?", "Say what you need"),
    ({"category": "knitting"}, "Kind of support", "Choose the kind of support"),
    ({"local_authority": ""}, "Your local authority", "Choose your local authority"),
    ({"postcode_district": "SK4"}, "Postcode district", "Enter a postcode district in Salford"),
    ({"budget_high": "ten pounds"}, "The most you could spend", "Enter an amount in pounds"),
    ({"budget_low": "200"}, "The least you would expect to spend",
     "The least must not be more than the most"),
    ({"group_size": "80"}, "How many people is it for?", "from 1 to 50"),
    ({"timing": "midnight"}, "When do you need it?", "Choose when you need it"),
])
def test_bad_input_is_named_beside_the_field_and_nothing_is_saved(app, people, changes,
                                                                    field_label, message):
    sam = browser(app, people["sam"])
    response = sam.post("/needs/new", data=need_form(**changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html
    field_error = html.split('class="field-error"')[1].split("</p>")[0]
    assert message in field_error
    assert f"{field_label}: " in text(response)
    assert db.session.scalars(sa.select(Need)).all() == []


def test_a_supporter_with_the_buy_scope_posts_for_the_holder(app, people):
    chris = make_user("supporter", name="Chris Walsh")
    grant(people["sam"], chris, ["view", "buy"])
    client = browser(app, chris)
    form_page = text(client.get("/needs/new"))
    assert "You are posting for Sam Patel" in form_page
    response = client.post("/needs/new", data=need_form(holder_id=str(people["sam"].id)))
    assert response.status_code == 302
    need = db.session.scalars(sa.select(Need)).one()
    assert need.holder_id == people["sam"].id and need.posted_by_id == chris.id
    assert "Sam Patel's need" in text(client.get(f"/needs/{need.id}"))


def test_a_supporter_without_the_buy_scope_cannot_post(app, people):
    viewer = make_user("supporter")
    grant(people["sam"], viewer, ["view"])
    client = browser(app, viewer)
    assert client.get("/needs/new").status_code == 404
    assert client.post("/needs/new", data=need_form(
        holder_id=str(people["sam"].id))).status_code == 404
    assert db.session.scalars(sa.select(Need)).all() == []


def test_providers_commissioners_and_visitors_cannot_post(app, people):
    for user in (people["arts"].owner, people["commissioner"]):
        client = browser(app, user)
        assert client.get("/needs").status_code == 404
        assert client.post("/needs/new", data=need_form()).status_code == 404
    visitor = anonymous(app).get("/needs/new")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    assert db.session.scalars(sa.select(Need)).all() == []


def test_closing_a_need_hides_it_from_providers(app, people):
    sam = browser(app, people["sam"])
    sam.post("/needs/new", data=need_form())
    need = db.session.scalars(sa.select(Need)).one()
    arts = browser(app, people["arts"].owner)
    assert "photography walk" in text(arts.get("/provider/needs"))
    response = sam.post(f"/needs/{need.id}/close")
    assert response.status_code == 302
    assert "Closed" in text(sam.get(f"/needs/{need.id}"))
    assert "photography walk" not in text(arts.get("/provider/needs"))
    assert arts.get(f"/provider/needs/{need.id}").status_code == 404


def test_a_need_says_who_it_is_especially_for_and_a_made_up_group_is_refused(app, people):
    sam = browser(app, people["sam"])
    refused = sam.post("/needs/new", data=need_form(specialism="astronauts"))
    assert refused.status_code == 400
    assert "Who it is especially for (optional): " in text(refused)
    assert "Choose who it is for from the list" in text(refused)
    assert db.session.scalars(sa.select(Need)).all() == []

    posted = sam.post("/needs/new", data=need_form(specialism="veterans"))
    assert "Especially for Armed forces veterans" in text(sam.get(posted.headers["Location"]))
    assert db.session.scalars(sa.select(Need.specialism)).one() == "veterans"
