"""Until a new account confirms its email address it may look around but not buy, pledge, list
a service, review or send messages: every such page and API call is refused through the one
check (accounts.permissions.verified_email_required), and allowed once the link is opened."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests.accounts.links import confirm_address
from tests.api.test_orders_api import _bearer
from tests.factories import make_user
from tests.orders.pages import Market, browser, form_token, text

REFUSED_PAGE = "Confirm your email address first"
MISSING = 999_999  # the check comes before the object is looked up: afterwards, a 404


@pytest.fixture
def market(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # many log-ins from one test address
    market = Market()
    market.sam.email_verified_at = None
    db.session.commit()
    return market


def confirm(client, user) -> None:
    """Press "Send the link again" on the banner, then open the link from the email."""
    sent = client.post("/account/confirm-email", data={"next": "/account"})
    assert sent.status_code == 302
    confirm_address(client, user.email)
    db.session.refresh(user)
    assert user.email_verified


def holder_pages(market):
    service = market.service.id
    return [
        ("get", f"/services/{service}/order", {}),
        ("get", f"/services/{service}/order/check", {}),
        ("post", f"/services/{service}/order", {}),
        ("get", f"/services/{service}/pools/new", {}),
        ("post", f"/services/{service}/pools/new", {}),
        ("post", f"/pools/{MISSING}/join", {}),
        ("get", "/needs/new", {}),
        ("post", "/needs/new", {}),
        ("get", f"/needs/{MISSING}/quotes/{MISSING}/accept", {}),
        ("get", f"/orders/{MISSING}/review", {}),
        ("post", f"/orders/{MISSING}/review", {}),
        ("get", f"/services/{service}/enquire", {}),
        ("post", f"/services/{service}/enquire", {"text": "Is it step-free?"}),
        ("post", f"/enquiries/{MISSING}/messages", {"text": "Thank you"}),
    ]


def test_every_gated_page_refuses_an_unconfirmed_holder_until_they_confirm(app, market):
    sam = browser(app, market.sam)
    home = text(sam.get("/"))
    assert "Please confirm your email address." in home and "Send the link again" in home
    for method, path, data in holder_pages(market):
        response = getattr(sam, method)(path, data=data)
        assert response.status_code == 403, (method, path)
        page = text(response)
        assert REFUSED_PAGE in page and "Send the link again" in page, path
        assert f"open the link we sent to {market.sam.email}" in page

    confirm(sam, market.sam)
    assert "Please confirm your email address." not in text(sam.get("/"))
    for method, path, data in holder_pages(market):
        response = getattr(sam, method)(path, data=data)
        assert response.status_code != 403, (method, path)
        assert REFUSED_PAGE not in text(response), path


def test_looking_around_is_not_refused(app, market):
    sam = browser(app, market.sam)
    for path in ("/", "/search", f"/services/{market.service.id}", "/account", "/orders",
                 "/pools", "/needs", "/enquiries", "/notifications"):
        response = sam.get(path)
        assert response.status_code == 200, path


def test_an_unconfirmed_holder_orders_once_they_confirm(app, market):
    sam = browser(app, market.sam)
    service = market.service.id
    values = market.order_form(token=form_token(sam.get(f"/services/{service}")))
    assert sam.post(f"/services/{service}/order", data=values).status_code == 403

    confirm(sam, market.sam)
    assert sam.get(f"/services/{service}/order/check", query_string=values).status_code == 200
    placed = sam.post(f"/services/{service}/order", data=values)
    assert placed.status_code == 302 and "/orders/" in placed.location


def test_an_unconfirmed_provider_may_describe_itself_but_not_list_a_service(app, market):
    owner = make_user("provider", verified=False)
    bea = browser(app, owner)
    assert bea.get("/provider/profile").status_code == 200
    for method, path in (("get", "/provider/services/new"), ("post", "/provider/services/new"),
                         ("post", f"/provider/services/{MISSING}/resume")):
        response = getattr(bea, method)(path)
        assert response.status_code == 403 and REFUSED_PAGE in text(response), path

    confirm(bea, owner)
    assert bea.get("/provider/services/new").status_code == 302  # to the profile, first
    assert bea.post(f"/provider/services/{MISSING}/resume").status_code == 404


def test_a_supporter_is_refused_too(app, market):
    chris = make_user("supporter", verified=False)
    page = browser(app, chris).get(f"/services/{market.service.id}/enquire")
    assert page.status_code == 403 and REFUSED_PAGE in text(page)


def api_calls(market):
    service = market.service.id
    return [
        ("/api/v1/orders", {}),
        ("/api/v1/pools", {}),
        (f"/api/v1/pools/{MISSING}/join", {}),
        ("/api/v1/needs", {}),
        (f"/api/v1/needs/{MISSING}/quotes/{MISSING}/accept", {}),
        (f"/api/v1/orders/{MISSING}/review", {}),
        (f"/api/v1/services/{service}/enquiries", {"text": "Is it step-free?"}),
        (f"/api/v1/enquiries/{MISSING}/messages", {"text": "Thank you"}),
    ]


def test_every_gated_api_call_refuses_an_unconfirmed_holder_until_they_confirm(app, client,
                                                                                market):
    headers = _bearer(market.sam)
    for path, body in api_calls(market):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 403, path
        error = response.get_json()["error"]
        assert error["code"] == "email_not_verified", path
        assert error["message"].startswith("Confirm your email address first: open the link we "
                                           f"sent to {market.sam.email}.")
    # No token at all is still a 401: the check comes after the token's.
    assert client.post("/api/v1/orders", json={}).status_code == 401

    confirm(browser(app, market.sam), market.sam)
    answers = {}
    for path, body in api_calls(market):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code != 403, (path, response.get_json())
        answers[path] = response.status_code
    assert answers[f"/api/v1/services/{market.service.id}/enquiries"] == 201  # the question went
