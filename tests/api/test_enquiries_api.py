"""The enquiries API as clients use it: a holder (or a supporter with 'buy') asks, the provider
reads it without the holder's name or email and replies, both list their conversations; and
every refusal as a JSON body: other people 404, the wrong role 403, bad bodies 400, a closed
conversation 409, no token 401."""
from __future__ import annotations

import pytest

from marketplace.enquiries import services as enquiries
from marketplace.extensions import db
from tests.api.test_orders_api import _bearer
from tests.enquiries.helpers import QUESTION, messages
from tests.factories import make_user
from tests.mail import emails_to
from tests.orders.pages import Market, grant


@pytest.fixture
def market(app):
    return Market()


def ask(client, market, user=None, **body):
    body = {"text": QUESTION, **body}
    return client.post(f"/api/v1/services/{market.service.id}/enquiries", json=body,
                       headers=_bearer(user or market.sam))


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_holder_asks_and_the_provider_replies(client, market, matches_schema):
    started = ask(client, market)
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    matches_schema("Enquiry", body)
    assert started.headers["Location"] == body["api_url"]
    assert body["holder"] == {"id": market.sam.id, "display_name": "Sam Patel"}
    assert body["shown_as"] == "A budget holder" and body["state"] == "open"
    assert [m["text"] for m in body["messages"]] == [QUESTION]
    assert body["messages"][0]["yours"] is True and body["safeguarding_help"] is None
    assert len(emails_to(market.provider_owner.email)) == 1

    provider = _bearer(market.provider_owner)
    seen = client.get(f"/api/v1/enquiries/{body['id']}", headers=provider)
    assert seen.status_code == 200
    matches_schema("Enquiry", seen.get_json())
    assert seen.get_json()["holder"] is None and "Sam" not in seen.get_data(as_text=True)
    assert market.sam.email not in seen.get_data(as_text=True)

    replied = client.post(f"/api/v1/enquiries/{body['id']}/messages",
                          json={"text": "Yes, step-free."}, headers=provider)
    assert replied.status_code == 201
    assert [m["side"] for m in replied.get_json()["messages"]] == ["holder", "provider"]
    assert len(emails_to(market.sam.email)) == 1

    for user in (market.sam, market.provider_owner):
        listed = client.get("/api/v1/enquiries", headers=_bearer(user, ("read",)))
        assert listed.status_code == 200
        matches_schema("EnquiryList", listed.get_json())
        assert [e["id"] for e in listed.get_json()["enquiries"]] == [body["id"]]

    again = ask(client, market, text="And parking?")
    assert again.status_code == 200 and len(again.get_json()["messages"]) == 3


def test_safeguarding_words_come_back_with_where_to_get_help(client, market):
    started = ask(client, market, text="I have been thinking about suicide.")
    assert started.status_code == 201
    assert "Samaritans" in started.get_json()["safeguarding_help"]
    assert messages()[0].safeguarding is True


def test_a_supporter_needs_buy_and_says_whom_it_is_for(client, market):
    helper, nosy = make_user("supporter"), make_user("supporter")
    grant(market.sam, helper, ["view", "buy"])
    grant(market.sam, nosy, ["view"])
    missing = ask(client, market, helper)
    assert missing.status_code == 404  # the supporter is not a holder themselves
    started = ask(client, market, helper, holder_id=market.sam.id, shown_as="Sam's broker")
    assert started.status_code == 201 and started.get_json()["shown_as"] == "Sam's broker"
    refused = ask(client, market, nosy, holder_id=market.sam.id)
    assert refused.status_code == 404 and error_code(refused) == "not_found"
    enquiry_id = started.get_json()["id"]
    assert client.get(f"/api/v1/enquiries/{enquiry_id}",
                      headers=_bearer(nosy)).status_code == 404


def test_refusals_are_json(client, market):
    enquiry_id = ask(client, market).get_json()["id"]
    for who in (market.other_holder, market.other_provider_owner, market.commissioner):
        headers = _bearer(who)
        seen = client.get(f"/api/v1/enquiries/{enquiry_id}", headers=headers)
        assert seen.status_code == 404 and error_code(seen) == "not_found"
        wrote = client.post(f"/api/v1/enquiries/{enquiry_id}/messages", json={"text": "Hi"},
                            headers=headers)
        assert wrote.status_code == 404
    assert len(messages()) == 1

    provider = ask(client, market, market.provider_owner)
    assert provider.status_code == 403 and error_code(provider) == "forbidden"
    listed = client.get("/api/v1/enquiries", headers=_bearer(market.commissioner))
    assert listed.status_code == 403
    assert client.get(f"/api/v1/enquiries/{enquiry_id}").status_code == 401
    assert client.get("/api/v1/enquiries").status_code == 401
    read_only = client.post(f"/api/v1/enquiries/{enquiry_id}/messages", json={"text": "Hi"},
                            headers=_bearer(market.sam, ("read",)))
    assert read_only.status_code == 403 and error_code(read_only) == "insufficient_scope"

    sam = _bearer(market.sam)
    for body, field in (({"text": ""}, "text"), ({"text": "x" * 2001}, "text"),
                        ({"text": 5}, "text"), ({"text": "Hi", "words": "Hi"}, "body")):
        bad = client.post(f"/api/v1/enquiries/{enquiry_id}/messages", json=body, headers=sam)
        assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == field, body
    too_long = ask(client, market, shown_as="x" * 61)
    assert too_long.status_code == 400
    assert too_long.get_json()["error"]["parameter"] == "shown_as"
    gone = client.post("/api/v1/services/999999/enquiries", json={"text": "Hi"}, headers=sam)
    assert gone.status_code == 404

    enquiries.close_enquiry(market.sam, enquiry_id)
    db.session.commit()
    closed = client.post(f"/api/v1/enquiries/{enquiry_id}/messages", json={"text": "Hi"},
                         headers=_bearer(market.provider_owner))
    assert closed.status_code == 409 and error_code(closed) == "enquiry_closed"
    shown = client.get(f"/api/v1/enquiries/{enquiry_id}", headers=sam).get_json()
    assert (shown["state"], shown["closed_by"]) == ("closed", "holder")
