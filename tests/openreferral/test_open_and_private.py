"""The feed is open (no login, no key, any web page may read it) and private where it must be:
no home address of a personal assistant, and nothing about anyone who buys or reviews."""
from __future__ import annotations

import json

import pytest

from marketplace.extensions import db
from marketplace.reviews import services as reviews
from marketplace.reviews.services import ReviewDetails
from tests.factories import make_funded_budget, make_user
from tests.openreferral.conftest import get_json
from tests.orders.conftest import market as order_market  # noqa: F401
from tests.reviews.market import delivered_order

EVERY_LIST = ["/services?full=true&per_page=200", "/service_at_locations?per_page=200",
              "/services?modified_after=2000-01-01&full=true&per_page=200",
              "/services?format=ndjson&full=true"]


def whole_feed(client) -> str:
    texts = []
    for path in EVERY_LIST:
        response = client.get(f"/openreferral{path}")
        assert response.status_code == 200
        texts.append(response.get_data(as_text=True))
    for listed in json.loads(texts[1])["contents"]:
        texts.append(client.get(f"/openreferral/service_at_locations/{listed['id']}")
                     .get_data(as_text=True))
    return "\n".join(texts)


def test_a_personal_assistant_is_shown_by_the_areas_they_cover_never_their_home(client, market):
    assert market.pa.postcode_district == "M13"
    feed = whole_feed(client)
    assert '"M14"' in feed and '"M20"' in feed
    assert "M13" not in feed and "Manchester" in feed  # M14 lies in Manchester
    assert '"addresses"' not in feed and '"latitude"' not in feed


def test_nothing_about_buyers_or_reviewers_is_published(client, order_market):  # noqa: F811
    holder = make_user("holder", name="Priya Sharma", email="priya.sharma@example.org")
    order = delivered_order(order_market, holder, make_funded_budget(holder, amount_pence=10_000))
    reviews.submit_review(holder, order, ReviewDetails(
        5, "yes", "Marvellous, my anxiety is much better now.", "name"))
    db.session.commit()
    feed = whole_feed(client)
    assert '"pathways_review_count":1' in feed.replace(" ", "")
    for private in ("Priya", "Sharma", "priya.sharma", "anxiety", "Marvellous",
                    order_market.sam.display_name, order_market.sam.email):
        assert private not in feed


def test_the_feed_needs_no_login_and_any_origin_may_read_it(client, market):
    for path in ["/", "/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms",
                 "/services?per_page=nope", "/services/not-an-id", "/no-such-thing"]:
        response = client.get(f"/openreferral{path}")
        assert response.status_code in (200, 400, 404)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.is_json
    assert client.get("/openreferral").status_code == 308  # to /openreferral/


@pytest.mark.parametrize("path", [
    "/services/not-an-id", "/services/3f7b145d-84af-42d7-8fae-eaca714b02b2",
    "/taxonomies/3f7b145d-84af-42d7-8fae-eaca714b02b2", "/taxonomy_terms/x",
    "/service_at_locations/3f7b145d-84af-42d7-8fae-eaca714b02b2"])
def test_an_id_the_feed_does_not_have_is_a_json_404(client, market, path):
    body = get_json(client, f"/openreferral{path}", 404)
    assert body["error"]["code"] == "not_found"


def test_a_paused_services_records_are_not_found(client, market, feed_id):
    get_json(client, f"/openreferral/services/{feed_id('service', market.paused.id)}", 404)
    get_json(client, "/openreferral/service_at_locations/"
                     f"{feed_id('service_at_location', market.paused.id)}", 404)


def test_the_feed_is_read_only(client, market):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/openreferral/services")
        assert response.status_code == 405 and response.is_json
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert client.post("/openreferral/nowhere").status_code == 404
    assert client.post("/openreferral/").status_code == 405


def test_calls_are_counted_per_address(client, app, market):
    app.config["OPENREFERRAL_RATE_LIMIT"] = "2 per minute"
    assert client.get("/openreferral/services").status_code == 200
    assert client.get("/openreferral/taxonomies").status_code == 200
    refused = client.get("/openreferral/services")
    assert refused.status_code == 429 and refused.is_json
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
