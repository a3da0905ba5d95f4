"""Every rule of a service listing shows its message beside the field; nothing changes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Service
from tests.factories import make_service
from tests.providers.conftest import service_form

RULES = [
    ({"title": ""}, "title", "Enter a title that says what the service is"),
    ({"title": "x" * 161}, "title", "Use 160 characters or fewer"),
    ({"description": " \n "}, "description", "Describe the service in a few sentences"),
    ({"description": "x" * 5001}, "description", "Use 5000 characters or fewer"),
    ({"category": ""}, "category", "Choose the main category"),
    ({"category": "gambling"}, "category", "Choose the main category"),
    ({"secondary_categories": ["gambling"]}, "secondary_categories", "Choose from the options shown"),
    ({"tags": "fine, " + "x" * 41}, "tags", "Keep each tag to 40 characters or fewer"),
    ({"tags": ", ".join(f"tag{n}" for n in range(21))}, "tags", "Use 20 tags or fewer"),
    ({"delivery_modes": None}, "delivery_modes",
     "Choose at least one way the service is delivered"),
    ({"local_authorities": None, "postcode_districts": ""}, "local_authorities",
     "Choose at least one local authority or enter a postcode district you cover"),
    ({"delivery_modes": ["online", "in-person"], "local_authorities": None,
      "postcode_districts": ""}, "local_authorities",
     "only online or phone services can leave this empty"),
    ({"local_authorities": ["narnia"]}, "local_authorities", "Choose from the options shown"),
    ({"postcode_districts": "M14, near the park"}, "postcode_districts",
     "“near the park” is not a postcode district"),
    ({"languages": None}, "languages", "Choose at least one language the service is offered in"),
    ({"specialisms": ["everyone"]}, "specialisms", "Choose from the options shown"),
    ({"accessibility": "x" * 2001}, "accessibility", "Use 2000 characters or fewer"),
    ({"schedule": "x" * 256}, "schedule", "Use 255 characters or fewer"),
    ({"price": ""}, "price", "Enter the price in pounds, like 12 or 12.50"),
    ({"price": "abc"}, "price", "Enter an amount in pounds, like 12 or 12.50"),
    ({"price": "-5"}, "price", "The price cannot be less than £0"),
    ({"price": "12.345"}, "price", "Use no more than 2 decimal places for pence, like 12.50"),
    ({"price": "250000"}, "price", "Enter a price of no more than £100,000.00"),
    ({"price": "123456789"}, "price", "Enter an amount of no more than £9,999,999.99"),
    ({"price_unit": None}, "price_unit",
     "Choose what the price is for: hour, session, item or month"),
    ({"price_unit": "year"}, "price_unit",
     "Choose what the price is for: hour, session, item or month"),
    ({"capacity": ""}, "capacity", "Enter how many places a group has"),
    ({"capacity": "0"}, "capacity", "Enter a number of places from 1 to 1000"),
    ({"capacity": "-3"}, "capacity", "Enter a number of places from 1 to 1000"),
    ({"capacity": "eight"}, "capacity", "Enter the number of places as a whole number, like 8"),
    ({"capacity": "99999999999"}, "capacity", "Enter a number of places from 1 to 1000"),
    ({"is_group": None, "poolable": None}, "capacity", "Only group services have a number of places"),
    ({"is_group": None, "capacity": ""}, "poolable", "Only group services can be pooled"),
]


@pytest.mark.parametrize("overrides, field, message", RULES)
def test_each_listing_rule_shows_its_message_and_lists_nothing(
    client, logged_in_provider, queued, overrides, field, message
):
    response = client.post("/provider/services/new", data=service_form(**overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'<a href="#{field}">' in page
    assert f'id="{field}-error"' in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 0
    assert queued == []


@pytest.mark.parametrize("overrides, field, message", RULES[:6] + RULES[18:24])
def test_an_invalid_edit_changes_nothing(
    client, logged_in_provider, queued, overrides, field, message
):
    service = make_service(logged_in_provider, title="Art club", price_pence=1500)
    queued.clear()
    response = client.post(f"/provider/services/{service.id}/edit", data=service_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    unchanged = db.session.get(Service, service.id)
    assert (unchanged.title, unchanged.price_pence, unchanged.category) == (
        "Art club", 1500, "peer-support"
    )
    assert queued == []


def test_several_problems_are_listed_together_and_what_was_typed_is_kept(
    client, logged_in_provider
):
    response = client.post(
        "/provider/services/new",
        data=service_form(title="", price="abc", languages=None, is_group=None, capacity=""),
    )
    page = response.get_data(as_text=True)
    for field in ("title", "price", "languages", "poolable"):
        assert f'<a href="#{field}">' in page
    assert 'value="abc"' in page
    assert 'aria-invalid="true"' in page


def test_an_online_only_service_needs_no_area(client, logged_in_provider):
    response = client.post(
        "/provider/services/new",
        data=service_form(delivery_modes=["online", "phone"], local_authorities=None,
                          postcode_districts=""),
    )
    assert response.status_code == 302
    service = db.session.scalars(sa.select(Service)).one()
    assert service.local_authorities == [] and service.postcode_districts == []


def test_an_authority_typed_as_a_district_counts_as_the_whole_authority(
    client, logged_in_provider
):
    response = client.post(
        "/provider/services/new",
        data=service_form(local_authorities=None, postcode_districts="Stockport, m14 5ab, M14"),
    )
    assert response.status_code == 302
    service = db.session.scalars(sa.select(Service)).one()
    assert service.local_authorities == ["stockport"]
    assert service.postcode_districts == ["M14"]


def test_a_free_individual_service_and_the_main_category_is_not_repeated(
    client, logged_in_provider
):
    response = client.post(
        "/provider/services/new",
        data=service_form(price="0", price_unit="hour", is_group=None, capacity="",
                          poolable=None, secondary_categories=["arts", "learning"]),
    )
    assert response.status_code == 302
    service = db.session.scalars(sa.select(Service)).one()
    assert service.price_pence == 0 and service.price_unit == "hour"
    assert not service.is_group and service.capacity is None and not service.poolable
    assert service.secondary_categories == ["learning"]
