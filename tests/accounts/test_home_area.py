"""A budget holder sets their home area and interests on the account page, without JavaScript:
a council, optionally the first part of their postcode inside it (a full postcode is cut to
it), and kinds of support. Mistakes are said beside the field and change nothing. Other roles
have no area."""
from __future__ import annotations

import pytest

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import make_user
from tests.orders.pages import browser, text, with_order_pages


@pytest.fixture
def app(app):
    return with_order_pages(app)


def _area_form(**changes) -> dict:
    form = {"local_authority": "salford", "postcode_district": "m6 5ab",
            "interests": ["arts", "befriending"]}
    form.update(changes)
    return form


def test_a_holder_saves_their_area_and_sees_it_on_the_account_page(app):
    sam = make_user("holder", name="Sam Patel")
    client = browser(app, sam)
    page = text(client.get("/account"))
    assert "Your area Not given yet" in page
    assert "Kinds of support you are interested in" in page

    saved = client.post("/account/area", data=_area_form(), follow_redirects=True)
    assert saved.status_code == 200
    page = text(saved)
    assert "Your area is saved: Salford (M6)." in page
    assert "Your area Salford (M6)" in page
    html = saved.get_data(as_text=True)
    assert 'name="postcode_district" type="text" value="M6"' in html
    assert 'checked id="interests-5" name="interests" type="checkbox" value="arts"' in html
    user = db.session.get(User, sam.id)
    assert (user.home_authority, user.home_district, user.interests) == (
        "salford", "M6", ["befriending", "arts"])  # in the order the page lists them

    cleared = client.post("/account/area", data={"local_authority": "", "postcode_district": ""},
                          follow_redirects=True)
    assert "Your area is cleared." in text(cleared)
    assert "Your area Not given yet" in text(cleared)


@pytest.mark.parametrize("changes, message", [
    ({"postcode_district": "M14"}, "M14 is not in Salford. Enter a district in Salford, "
                                   "such as M5, M6, M7"),
    ({"local_authority": "", "postcode_district": "M6"},
     "Choose your council as well: the postcode district must be inside it"),
    ({"postcode_district": "hello"}, "Enter a postcode district like M6, or leave this empty"),
    ({"local_authority": "narnia"}, "Choose your council from the list"),
    ({"interests": ["knitting"]}, "Choose from the options shown"),
])
def test_a_bad_area_is_explained_beside_the_field_and_nothing_is_saved(app, changes, message):
    sam = make_user("holder")
    response = browser(app, sam).post("/account/area", data=_area_form(**changes))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and f"Error: {message}" in page
    assert db.session.get(User, sam.id).home_authority == ""


@pytest.mark.parametrize("role", ["supporter", "provider", "commissioner"])
def test_people_who_are_not_budget_holders_have_no_area(app, role):
    client = browser(app, make_user(role))
    assert "Your area" not in text(client.get("/account"))
    assert client.post("/account/area", data=_area_form()).status_code == 404
