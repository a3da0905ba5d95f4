"""Personal access tokens: made and revoked on /account/tokens, shown once, stored hashed, and the
only way into the personal API (no session cookies), with scopes checked."""
import hashlib
import re

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from marketplace.accounts.models import ApiToken
from marketplace.api import auth
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.factories import PASSWORD, make_funded_budget, make_service, make_user


def _login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def _make_token_on_the_page(client, name="Budget spreadsheet", scopes=("read",)):
    response = client.post("/account/tokens", data={"name": name, "scopes": list(scopes)})
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    secret = re.search(r'<code id="new-token-secret">([^<]+)</code>', page).group(1)
    return page, secret


def test_a_token_is_shown_once_stored_hashed_works_and_stops_when_revoked(client):
    holder = make_user("holder", name="Sam Patel")
    _login(client, holder)
    assert "You have no access tokens." in client.get("/account/tokens").get_data(as_text=True)

    page, secret = _make_token_on_the_page(client)
    assert "Copy your new token now" in page
    assert "This is the only time we will show it." in page
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.prefix, stored.name, stored.token_hash)
    assert secret.startswith(stored.prefix) and len(stored.prefix) < len(secret) // 3

    listing = client.get("/account/tokens")
    assert listing.headers["Cache-Control"] == "no-store"
    listing_page = listing.get_data(as_text=True)
    assert secret not in listing_page
    assert "Budget spreadsheet" in listing_page and f"{stored.prefix}…" in listing_page
    assert "Read my budgets, statement and orders" in listing_page
    assert "Never" in listing_page

    api = client.application.test_client()  # no session cookie: only the token
    response = api.get("/api/v1/me/budgets", headers=_bearer(secret))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert stored.last_used_at is not None
    assert "Never" not in client.get("/account/tokens").get_data(as_text=True)

    revoked = client.post(f"/account/tokens/{stored.id}/revoke", follow_redirects=True)
    assert "no longer works" in revoked.get_data(as_text=True)
    assert "Revoked" in revoked.get_data(as_text=True)
    refused = api.get("/api/v1/me/budgets", headers=_bearer(secret))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"
    assert "revoked" in refused.get_json()["error"]["message"]
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer realm="Pathways API", error="invalid_token"')


def test_the_form_says_what_is_missing(client):
    _login(client, make_user("holder"))
    response = client.post("/account/tokens", data={"name": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Give the token a name, so you know what uses it" in page
    assert "Choose what the token may do" in page
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_the_order_scope_includes_reading(app):
    token, _ = auth.create_token(make_user("holder"), "Orders", ["order"])
    assert token.scopes == ["read", "order"]


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nobody_can_revoke_someone_elses_token(client):
    owner = make_user("holder")
    token, secret = auth.create_token(owner, "Mine", ["read"])
    db.session.commit()
    _login(client, make_user("holder"))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me/budgets", headers=_bearer(secret)).status_code == 200


@pytest.mark.parametrize("header, code", [
    (None, "unauthorised"),
    ("Basic c2FtOnBhc3N3b3Jk", "unauthorised"),
    ("Bearer ", "unauthorised"),
    ("Bearer pwt_not-a-real-token", "invalid_token"),
])
def test_requests_without_a_valid_token_are_401_with_a_challenge(client, matches_schema, header,
                                                                 code):
    headers = {"Authorization": header} if header else {}
    for response in (client.get("/api/v1/me/budgets", headers=headers),
                     client.get("/api/v1/orders/1", headers=headers),
                     client.post("/api/v1/orders", headers=headers, json={})):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Pathways API"')
        matches_schema("Error", response.get_json())
        assert response.get_json()["error"]["code"] == code


def test_a_logged_in_session_does_not_open_the_personal_api(client):
    holder = make_user("holder")
    budget = make_funded_budget(holder)
    service = make_service()
    _login(client, holder)
    assert client.get("/api/v1/me/budgets").status_code == 401
    placed = client.post("/api/v1/orders", headers={"Idempotency-Key": "k1"},
                         json={"budget_id": budget.id, "service_id": service.id, "quantity": 1})
    assert placed.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_a_read_only_token_cannot_place_or_act_on_orders(client, matches_schema):
    holder = make_user("holder")
    budget = make_funded_budget(holder)
    service = make_service()
    _, secret = auth.create_token(holder, "Reader", ["read"])
    db.session.commit()
    placed = client.post("/api/v1/orders", headers={**_bearer(secret), "Idempotency-Key": "k1"},
                         json={"budget_id": budget.id, "service_id": service.id, "quantity": 1})
    assert placed.status_code == 403
    matches_schema("Error", placed.get_json())
    assert placed.get_json()["error"]["code"] == "insufficient_scope"
    assert 'scope="order"' in placed.headers["WWW-Authenticate"]
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert client.post("/api/v1/orders/1/cancel", headers=_bearer(secret)).status_code == 403
    assert client.get("/api/v1/me/budgets", headers=_bearer(secret)).status_code == 200


def test_a_closed_accounts_token_stops_working(client):
    holder = make_user("holder")
    _, secret = auth.create_token(holder, "Mine", ["read"])
    holder.is_active_account = False
    db.session.commit()
    response = client.get("/api/v1/me/budgets", headers=_bearer(secret))
    assert response.status_code == 401
    assert "closed" in response.get_json()["error"]["message"]


def test_the_openapi_document_describes_the_tokens_and_stays_valid(openapi_document, app):
    validate(openapi_document)
    components = openapi_document["components"]
    assert components["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer",
        "description": components["securitySchemes"]["bearer"]["description"]}
    private = {path: item for path, item in openapi_document["paths"].items()
               if path.startswith(("/me/", "/orders", "/pools", "/needs", "/provider/",
                                   "/reviews"))}
    # me, orders and their actions; pools; needs; reviews (an order's review, reply, reports)
    assert len(private) == 16 + 6 + 9 + 3
    for path, item in private.items():
        for operation in item.values():
            assert operation["security"][0]["bearer"] in (["read"], ["order"]), path
            assert {"401", "403"} <= set(operation["responses"]), path
    served = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_endpoint"
    }
    assert served == set(openapi_document["paths"])
