"""The reviews API as clients use it: anyone reads a service's published reviews with their
replies; the holder writes, edits and withdraws the review of a confirmed order; the provider
replies; anyone with a token reports. And every refusal, as JSON: another holder, another
provider, an unconfirmed order, bad stars, a missing answer, text too long, a duplicate."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewReply, ReviewReport
from tests.api.test_orders_api import _bearer
from tests.factories import make_funded_budget, make_user
from tests.orders.pages import Market, with_order_pages
from tests.reviews.market import delivered_order

REVIEW = {"stars": 5, "helped": "yes", "text": "Friendly group, I took photos again.",
          "shown_as": "anonymous"}


@pytest.fixture
def market(app):
    with_order_pages(app)
    return Market()


def _refused(response, status: int, code: str | None = None, parameter: str | None = None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if code:
        assert error["code"] == code
    if parameter:
        assert error["parameter"] == parameter
    return error["message"]


def test_the_holder_reviews_the_provider_replies_and_anyone_reads_both(
        app, market, client, matches_schema):
    order = delivered_order(market)
    sam = _bearer(market.sam)
    written = client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW, headers=sam)
    assert written.status_code == 201, written.get_json()
    body = written.get_json()
    matches_schema("MyReview", body)
    assert body["state"]["value"] == "published" and body["stars"] == 5
    assert client.get(written.headers["Location"], headers=sam).get_json() == body

    review_id = body["id"]
    bea = _bearer(market.provider_owner)
    replied = client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Thank you!"},
                          headers=bea)
    assert replied.status_code == 201
    matches_schema("Reply", replied.get_json())
    first = replied.get_json()["replied_at"]
    changed = client.put(f"/api/v1/reviews/{review_id}/reply", json={"text": "Thanks again."},
                         headers=bea)
    assert changed.status_code == 200 and changed.get_json()["replied_at"] == first

    public = client.get(f"/api/v1/services/{market.service.id}/reviews")
    assert public.status_code == 200
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    page = public.get_json()
    matches_schema("ServiceReviewPage", page)
    (shown,) = page["reviews"]
    assert shown["author"] == "Anonymous" and shown["verified_purchase"] is True
    assert shown["reply"]["text"] == "Thanks again."
    assert shown["reply"]["provider_name"] == "Bright Days"
    assert page["rating_centi"] == 375 and page["review_count"] == 1
    assert "holder" not in str(shown) and "Sam" not in str(shown)

    edited = client.patch(f"/api/v1/orders/{order.id}/review", json={"stars": 4}, headers=sam)
    assert edited.status_code == 200 and edited.get_json()["stars"] == 4
    assert edited.get_json()["text"] == REVIEW["text"]
    gone = client.delete(f"/api/v1/orders/{order.id}/review", headers=sam)
    assert gone.status_code == 200 and gone.get_json()["state"]["value"] == "withdrawn"
    assert client.get(f"/api/v1/services/{market.service.id}/reviews").get_json()[
        "reviews"] == []


def test_only_the_holder_of_a_confirmed_order_writes_its_review(app, market, client):
    order = delivered_order(market)
    for person in (market.other_holder, market.provider_owner, market.commissioner):
        _refused(client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW,
                             headers=_bearer(person)), 404, "not_found")
    waiting = delivered_order(market, confirm=False)
    _refused(client.post(f"/api/v1/orders/{waiting.id}/review", json=REVIEW,
                         headers=_bearer(market.sam)), 404, "not_found")
    _refused(client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW,
                         headers=_bearer(market.sam, ("read",))), 403, "insufficient_scope")
    _refused(client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW), 401)
    assert db.session.scalars(sa.select(Review)).all() == []


def test_answers_outside_the_rules_are_refused_naming_the_field(app, market, client):
    order = delivered_order(market)
    sam = _bearer(market.sam)

    def post(**changes):
        body = {key: value for key, value in {**REVIEW, **changes}.items() if value is not None}
        return client.post(f"/api/v1/orders/{order.id}/review", json=body, headers=sam)

    assert "1 to 5" in _refused(post(stars=6), 400, parameter="stars")
    _refused(post(stars=0), 400, parameter="stars")
    _refused(post(stars="5"), 400, parameter="stars")
    assert "yes, partly or no" in _refused(post(helped=None), 400, parameter="helped")
    _refused(post(helped="maybe"), 400, parameter="helped")
    assert "5000 characters" in _refused(post(text="x" * 5001), 400, parameter="text")
    _refused(post(text="  "), 400, parameter="text")
    _refused(post(title="Great"), 400, parameter="body")
    assert db.session.scalars(sa.select(Review)).all() == []
    assert post().status_code == 201
    _refused(post(), 409, "already_reviewed")
    assert len(db.session.scalars(sa.select(Review)).all()) == 1


def test_a_low_score_waits_the_short_hold_and_says_when_it_shows(app, market, client):
    order = delivered_order(market)
    body = client.post(f"/api/v1/orders/{order.id}/review", headers=_bearer(market.sam),
                       json={**REVIEW, "stars": 2, "helped": "no"}).get_json()
    assert body["state"]["value"] == "held" and body["shows_from"] is not None
    review_id = body["id"]
    # The provider may reply during the hold, before anyone reads the review.
    assert client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Sorry."},
                       headers=_bearer(market.provider_owner)).status_code == 201
    assert client.get(f"/api/v1/services/{market.service.id}/reviews").get_json()[
        "reviews"] == []


def test_only_the_services_provider_replies_once(app, market, client):
    order = delivered_order(market)
    review_id = client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW,
                            headers=_bearer(market.sam)).get_json()["id"]
    _refused(client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Mine?"},
                         headers=_bearer(market.other_provider_owner)), 404, "not_found")
    _refused(client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Hi"},
                         headers=_bearer(market.sam)), 403, "forbidden")
    bea = _bearer(market.provider_owner)
    _refused(client.put(f"/api/v1/reviews/{review_id}/reply", json={"text": "Hi"},
                        headers=bea), 404, "not_found")
    _refused(client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "x" * 2001},
                         headers=bea), 400, parameter="text")
    _refused(client.post(f"/api/v1/reviews/{review_id}/reply", json={}, headers=bea), 400,
             parameter="text")
    assert client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Thanks"},
                       headers=bea).status_code == 201
    _refused(client.post(f"/api/v1/reviews/{review_id}/reply", json={"text": "Again"},
                         headers=bea), 409, "already_replied")
    assert len(db.session.scalars(sa.select(ReviewReply)).all()) == 1


def test_reports_once_each_and_the_review_keeps_showing(app, market, client, matches_schema):
    order = delivered_order(market)
    review_id = client.post(f"/api/v1/orders/{order.id}/review", json=REVIEW,
                            headers=_bearer(market.sam)).get_json()["id"]
    bea = _bearer(market.provider_owner)
    made = client.post(f"/api/v1/reviews/{review_id}/reports",
                       json={"reason": "not_genuine", "words": "Never came."}, headers=bea)
    assert made.status_code == 201
    matches_schema("Report", made.get_json())
    _refused(client.post(f"/api/v1/reviews/{review_id}/reports", json={"reason": "other"},
                         headers=bea), 409, "already_reported")
    reader = _bearer(make_user("holder"))
    _refused(client.post(f"/api/v1/reviews/{review_id}/reports", json={"reason": "boring"},
                         headers=reader), 400, parameter="reason")
    _refused(client.post(f"/api/v1/reviews/{review_id}/reports",
                         json={"reason": "other", "words": "x" * 1001}, headers=reader), 400,
             parameter="words")
    (report,) = db.session.scalars(sa.select(ReviewReport)).all()
    assert report.by_provider
    assert len(client.get(f"/api/v1/services/{market.service.id}/reviews").get_json()[
        "reviews"]) == 1


def test_the_public_list_is_paginated_and_published_only(app, market, client):
    for number in range(22):
        holder = make_user("holder")
        budget = make_funded_budget(holder, amount_pence=10_000)
        order = delivered_order(market, holder, budget)
        words = f"Visit number {number}." + (" Ring 07700 900123." if number == 0 else "")
        client.post(f"/api/v1/orders/{order.id}/review", json={**REVIEW, "text": words},
                    headers=_bearer(holder))
    first = client.get(f"/api/v1/services/{market.service.id}/reviews").get_json()
    assert (first["review_count"], first["pages"], len(first["reviews"])) == (21, 2, 20)
    second = client.get(f"/api/v1/services/{market.service.id}/reviews?page=2").get_json()
    assert len(second["reviews"]) == 1
    shown = " ".join(r["text"] for r in first["reviews"] + second["reviews"])
    assert "07700" not in shown
    _refused(client.get(f"/api/v1/services/{market.service.id}/reviews?page=0"), 400,
             parameter="page")
    _refused(client.get("/api/v1/services/999999/reviews"), 404, "not_found")
