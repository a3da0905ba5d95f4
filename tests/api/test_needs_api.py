"""The needs API as clients use it: a holder (or supporter) posts a need and answers quotes,
providers serving its category and area read it without the holder's name and quote; and every
refusal: other holders 404, the wrong role 403, bad fields 400 naming the field, answered or
expired quotes 409."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.answers import KIND_DECLINE
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import Notification
from marketplace.pools.models import Pool
from marketplace.times import london_today
from tests.api.test_orders_api import _bearer
from tests.budgets.helpers import grant
from tests.factories import make_user
from tests.needs.helpers import market
from tests.pools.helpers import balances, holder_with_budget

WORDS = "A weekly photography walk for 6 people"


@pytest.fixture
def people(app):
    found = market()
    found["tokens"] = {}
    return found


def _as(people, user, scopes=("read", "order")) -> dict:
    key = (user.id, scopes)
    if key not in people["tokens"]:
        people["tokens"][key] = _bearer(user, scopes)
    return people["tokens"][key]


def need_body(**changes) -> dict:
    body = {"words": WORDS, "category": "arts", "local_authority": "salford",
            "postcode_district": "M30", "timing": "weekends", "budget_low_pence": 5_000,
            "budget_high_pence": 15_000, "group_size": 6, "would_pool": True,
            "peers_consent": True}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def quote_body(service, **changes) -> dict:
    body = {"service_id": service.id, "price_pence": 1_250, "price_unit": "session",
            "sessions": 6, "message": "Saturday mornings, cameras lent",
            "expires_on": (london_today() + timedelta(days=20)).isoformat()}
    body.update(changes)
    return body


def pool_body(budget, **changes) -> dict:
    body = {"budget_id": budget.id, "display_name": "Sam P", "min_members": 2,
            "max_members": 6, "closing_date": (london_today() + timedelta(days=10)).isoformat(),
            "open_to": "area", "title": "Saturday walks"}
    body.update(changes)
    return body


def post_need(client, people, **changes) -> dict:
    response = client.post("/api/v1/needs", json=need_body(**changes),
                           headers=_as(people, people["sam"]))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def quote(client, people, need_id, provider="arts", service="arts_walks", **changes):
    response = client.post(f"/api/v1/needs/{need_id}/quotes",
                           json=quote_body(people[service], **changes),
                           headers=_as(people, people[provider].owner))
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def quoted(client, people, **need_changes):
    need = post_need(client, people, **need_changes)
    arts = quote(client, people, need["id"])
    eccles = quote(client, people, need["id"], "eccles", "eccles_walks", price_pence=900,
                   sessions=8)
    return need, arts, eccles


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def _told(user) -> list[str]:
    return db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def _holder_named(response, people) -> bool:
    words = response.get_data(as_text=True)
    return people["sam"].display_name in words or people["sam"].email in words


# ---------------------------------------------------------------- posting and reading


def test_a_holder_posts_a_need_and_reads_it_back(client, people, matches_schema):
    response = client.post("/api/v1/needs", json=need_body(), headers=_as(people, people["sam"]))
    assert response.status_code == 201
    posted = response.get_json()
    matches_schema("Need", posted)
    assert response.headers["Location"] == posted["api_url"]
    assert response.headers["Cache-Control"] == "no-store"
    assert posted["words"] == WORDS and posted["state"]["value"] == "open"
    assert posted["holder"] == {"id": people["sam"].id, "display_name": "Sam Patel"}
    assert posted["local_authority"] == {"value": "salford", "label": "Salford"}
    assert posted["postcode_district"] == "M30" and posted["timing"]["label"] == "Weekends"
    assert (posted["budget_low_pence"], posted["budget_high_pence"]) == (5_000, 15_000)
    assert posted["quotes"] == [] and posted["url"].endswith(f"/needs/{posted['id']}")
    read = client.get(posted["api_url"], headers=_as(people, people["sam"]))
    assert read.status_code == 200 and read.get_json() == posted
    mine = client.get("/api/v1/me/needs", headers=_as(people, people["sam"])).get_json()
    matches_schema("NeedList", mine)
    assert [need["id"] for need in mine["needs"]] == [posted["id"]]


def test_a_supporter_with_buy_posts_for_the_holder_and_one_with_view_reads(client, people):
    sam = people["sam"]
    chris, viewer = make_user("supporter", name="Chris Walsh"), make_user("supporter")
    grant(sam, chris, ["view", "buy"])
    grant(sam, viewer, ["view"])
    no_holder = client.post("/api/v1/needs", json=need_body(), headers=_as(people, chris))
    assert _error(no_holder, 400)["parameter"] == "holder_id"
    response = client.post("/api/v1/needs", json=need_body(holder_id=sam.id),
                           headers=_as(people, chris))
    assert response.status_code == 201
    posted = response.get_json()
    assert posted["holder"]["id"] == sam.id
    assert posted["posted_by"] == {"id": chris.id, "display_name": "Chris Walsh"}
    seen = client.get("/api/v1/me/needs", headers=_as(people, viewer)).get_json()["needs"]
    assert [need["id"] for need in seen] == [posted["id"]]
    # 'view' is not 'buy': the viewer may read it but neither post nor answer for Sam.
    refused = client.post("/api/v1/needs", json=need_body(holder_id=sam.id),
                          headers=_as(people, viewer))
    assert _error(refused, 404)["code"] == "not_found"
    close = client.post(f"/api/v1/needs/{posted['id']}/close", headers=_as(people, viewer))
    assert _error(close, 403)["code"] == "forbidden"
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 1


@pytest.mark.parametrize("changes, parameter, words", [
    ({"budget_low_pence": 20_000}, "budget_low_pence", "The least must not be more"),
    ({"postcode_district": "BL1"}, "postcode_district", "Enter a postcode district in Salford"),
    ({"words": "   "}, "words", "Say what you need"),
    ({"category": "gardening"}, "category", "'category' must be one of"),
    ({"budget_high_pence": "150"}, "budget_high_pence", "whole number of pence"),
    ({"group_size": 51}, "group_size", "from 1 to 50"),
    ({"colour": "blue"}, "body", "'colour' is not part of a need"),
    ({"words": None}, "words", "'words' is required"),
])
def test_a_need_with_a_bad_field_is_refused_naming_it(client, people, matches_schema, changes,
                                                       parameter, words):
    response = client.post("/api/v1/needs", json=need_body(**changes),
                           headers=_as(people, people["sam"]))
    error = _error(response, 400)
    matches_schema("Error", response.get_json())
    assert error["parameter"] == parameter and words in error["message"]
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


def test_only_buyers_with_the_order_scope_post_and_list_needs(client, people):
    sam, provider = people["sam"], people["arts"].owner
    read_only = client.post("/api/v1/needs", json=need_body(),
                            headers=_as(people, sam, ("read",)))
    assert _error(read_only, 403)["code"] == "insufficient_scope"
    assert _error(client.post("/api/v1/needs", json=need_body(), headers=_as(people, provider)),
                  403)["code"] == "forbidden"
    other, _ = holder_with_budget("Dani Jones")
    for_someone_else = client.post("/api/v1/needs", json=need_body(holder_id=other.id),
                                   headers=_as(people, sam))
    assert _error(for_someone_else, 404)["code"] == "not_found"
    assert _error(client.get("/api/v1/me/needs", headers=_as(people, provider)),
                  403)["code"] == "forbidden"
    assert _error(client.get("/api/v1/provider/needs", headers=_as(people, sam)),
                  403)["code"] == "forbidden"
    assert client.get("/api/v1/me/needs").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0


# ---------------------------------------------------------------- providers and quotes


def test_providers_serving_it_see_the_need_without_the_holder(client, people, matches_schema):
    need = post_need(client, people)
    for name in ("arts", "eccles"):  # all of Salford; Eccles's district M30
        headers = _as(people, people[name].owner)
        listed = client.get("/api/v1/provider/needs", headers=headers)
        matches_schema("ProviderNeedList", listed.get_json())
        assert [n["id"] for n in listed.get_json()["needs"]] == [need["id"]]
        seen = client.get(f"/api/v1/needs/{need['id']}", headers=headers)
        matches_schema("ProviderNeed", seen.get_json())
        body = seen.get_json()
        assert body["words"] == WORDS and body["my_quote"] is None
        assert body["ordered_by"] is None and "holder" not in body and "posted_by" not in body
        assert body["url"].endswith(f"/provider/needs/{need['id']}")
        assert not _holder_named(listed, people) and not _holder_named(seen, people)
    assert [s["title"] for s in client.get(
        f"/api/v1/needs/{need['id']}", headers=_as(people, people["arts"].owner)
    ).get_json()["services"]] == ["Photography walks"]
    for name in ("bolton", "peer"):  # another area; another category
        headers = _as(people, people[name].owner)
        assert client.get("/api/v1/provider/needs", headers=headers).get_json() == {"needs": []}
        assert _error(client.get(f"/api/v1/needs/{need['id']}", headers=headers), 404)
        assert _error(client.post(f"/api/v1/needs/{need['id']}/quotes", headers=headers,
                                  json=quote_body(people["arts_walks"])), 404)
    other, _ = holder_with_budget("Dani Jones")
    for user in (other, people["commissioner"]):
        assert _error(client.get(f"/api/v1/needs/{need['id']}",
                                 headers=_as(people, user)), 404)["code"] == "not_found"
    assert db.session.scalars(sa.select(Quote)).all() == []


def test_a_provider_quotes_changes_withdraws_and_quotes_again(client, people, matches_schema):
    need = post_need(client, people)
    headers = _as(people, people["arts"].owner)
    url = f"/api/v1/needs/{need['id']}/quotes"
    sent = client.post(url, json=quote_body(people["arts_walks"]), headers=headers)
    assert sent.status_code == 201 and sent.headers["Location"] == need["api_url"]
    matches_schema("Quote", sent.get_json())
    assert sent.get_json()["total_pence"] == 7_500 and sent.get_json()["state"]["value"] == "live"
    changed = client.post(url, json=quote_body(people["arts_walks"], price_pence=1_100),
                          headers=headers)
    assert changed.status_code == 200 and changed.get_json()["id"] == sent.get_json()["id"]
    assert [q.price_pence for q in db.session.scalars(sa.select(Quote))] == [1_100]
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=_as(people, people["sam"]))
    assert [(q["provider"]["name"], q["total_pence"]) for q in seen.get_json()["quotes"]] == [
        ("Salford Arts", 6_600)]
    mine = client.get(f"/api/v1/needs/{need['id']}", headers=headers).get_json()["my_quote"]
    assert mine["price_pence"] == 1_100
    quote_id = sent.get_json()["id"]
    withdrawn = client.post(f"{url}/{quote_id}/withdraw", headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["state"]["value"] == "withdrawn"
    assert _error(client.post(f"{url}/{quote_id}/withdraw", headers=headers), 404)
    assert client.get(f"/api/v1/needs/{need['id']}", headers=_as(
        people, people["sam"])).get_json()["quotes"] == []
    assert client.post(url, json=quote_body(people["arts_walks"]),
                       headers=headers).status_code == 201


@pytest.mark.parametrize("changes, parameter, words", [
    ({"expires_on": london_today().isoformat()}, "expires_on", "from tomorrow"),
    ({"starts_on": (london_today() - timedelta(days=1)).isoformat()}, "starts_on",
     "from today on"),
    ({"price_pence": 0}, "price_pence", "from 1 to"),
    ({"price_unit": "forever"}, "price_unit", "'price_unit' must be one of"),
    ({"sessions": 501}, "sessions", "from 1 to 500"),
    ({"expires_on": None}, "expires_on", "date like"),
])
def test_a_quote_with_a_bad_field_is_refused_naming_it(client, people, changes, parameter,
                                                        words):
    need = post_need(client, people)
    response = client.post(f"/api/v1/needs/{need['id']}/quotes",
                           json=quote_body(people["arts_walks"], **changes),
                           headers=_as(people, people["arts"].owner))
    error = _error(response, 400)
    assert error["parameter"] == parameter and words in error["message"]
    assert db.session.scalars(sa.select(Quote)).all() == []


def test_a_quote_must_use_a_service_of_theirs_that_covers_the_need(client, people):
    need = post_need(client, people)
    headers = _as(people, people["arts"].owner)
    theirs = client.post(f"/api/v1/needs/{need['id']}/quotes", headers=headers,
                         json=quote_body(people["eccles_walks"]))
    assert _error(theirs, 400)["parameter"] == "service_id"
    nothing = client.post(f"/api/v1/needs/{need['id']}/quotes", headers=headers)
    assert _error(nothing, 400)["parameter"] == "body"
    # The holder may see the need, but quoting is not theirs to do.
    own = client.post(f"/api/v1/needs/{need['id']}/quotes", headers=_as(people, people["sam"]),
                      json=quote_body(people["arts_walks"]))
    assert _error(own, 403)["code"] == "forbidden"
    other, _ = holder_with_budget("Dani Jones")
    assert _error(client.post(f"/api/v1/needs/{need['id']}/quotes", headers=_as(people, other),
                              json=quote_body(people["arts_walks"])), 404)
    assert db.session.scalars(sa.select(Quote)).all() == []


# ---------------------------------------------------------------- answering


def test_accepting_into_a_pool_answers_with_the_pool_and_names_the_holder_only_then(
        client, people, matches_schema):
    need, arts, eccles = quoted(client, people)
    arts_headers = _as(people, people["arts"].owner)
    before = client.get(f"/api/v1/needs/{need['id']}", headers=arts_headers)
    assert before.get_json()["ordered_by"] is None and not _holder_named(before, people)
    url = f"/api/v1/needs/{need['id']}/quotes/{eccles['id']}/accept"
    response = client.post(url, json=pool_body(people["sam_budget"]),
                           headers=_as(people, people["sam"]))
    assert response.status_code == 201, response.get_json()
    pool = response.get_json()
    matches_schema("Pool", pool)
    assert response.headers["Location"] == pool["api_url"]
    assert "invite=" in pool["invite_url"]
    assert (pool["sessions"], pool["unit_price_pence"], pool["target_pence"]) == (8, 900, 7_200)
    assert pool["provider"]["name"] == "Eccles Creative"
    assert balances(people["sam_budget"]).committed_pence == 3_600  # at most £72 / 2
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=_as(people, people["sam"]))
    assert seen.get_json()["state"]["value"] == "accepted"
    accepted = [q for q in seen.get_json()["quotes"] if q["state"]["value"] == "accepted"]
    assert accepted[0]["id"] == eccles["id"] and accepted[0]["pool_api_url"] == pool["api_url"]
    # A pool names nobody to its provider: members are seen by the names they choose.
    eccles_view = client.get(f"/api/v1/needs/{need['id']}",
                             headers=_as(people, people["eccles"].owner))
    assert eccles_view.get_json()["my_quote"]["state"]["value"] == "accepted"
    assert eccles_view.get_json()["ordered_by"] is None and not _holder_named(eccles_view, people)
    assert not _holder_named(client.get(f"/api/v1/needs/{need['id']}", headers=arts_headers),
                             people)
    again = client.post(url, json=pool_body(people["sam_budget"]),
                        headers=_as(people, people["sam"]))
    assert _error(again, 409)["code"] == "already_answered"
    assert db.session.scalar(sa.select(sa.func.count(Pool.id))) == 1


def test_declining_the_others_sends_the_kind_note(client, people, matches_schema):
    need, arts, eccles = quoted(client, people)
    headers = _as(people, people["sam"])
    client.post(f"/api/v1/needs/{need['id']}/quotes/{eccles['id']}/accept",
                json=pool_body(people["sam_budget"]), headers=headers)
    response = client.post(f"/api/v1/needs/{need['id']}/decline-others", headers=headers)
    assert response.status_code == 200
    matches_schema("Need", response.get_json())
    states = {q["provider"]["name"]: q["state"]["value"] for q in response.get_json()["quotes"]}
    assert states == {"Salford Arts": "declined", "Eccles Creative": "accepted"}
    assert _told(people["arts"].owner)[-1] == KIND_DECLINE.format(words=WORDS)
    # An answered quote cannot be accepted, changed or withdrawn.
    answered = client.post(f"/api/v1/needs/{need['id']}/quotes/{arts['id']}/accept",
                           json=pool_body(people["sam_budget"]), headers=headers)
    error = _error(answered, 409)
    assert (error["code"], error["parameter"]) == ("already_answered", "quote_id")
    again = client.post(f"/api/v1/needs/{need['id']}/decline-others", headers=headers)
    assert _error(again, 409)["message"] == "There are no quotes waiting for an answer."


def test_an_answered_quote_cannot_change_or_be_withdrawn(client, people):
    need, arts, _ = quoted(client, people)
    client.post(f"/api/v1/needs/{need['id']}/decline-others", headers=_as(people, people["sam"]))
    headers = _as(people, people["arts"].owner)
    changed = client.post(f"/api/v1/needs/{need['id']}/quotes", headers=headers,
                          json=quote_body(people["arts_walks"], price_pence=1))
    assert _error(changed, 409)["code"] == "quote_refused"
    withdrawn = client.post(f"/api/v1/needs/{need['id']}/quotes/{arts['id']}/withdraw",
                            headers=headers)
    assert _error(withdrawn, 409)["code"] == "quote_refused"
    assert db.session.get(Quote, arts["id"]).state == "declined"


def test_an_expired_quote_cannot_be_accepted(client, people, clock):
    need, arts, _ = quoted(client, people)
    clock.set(clock.now + timedelta(days=25))  # the quote was open for 20 days
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=_as(people, people["sam"]))
    assert [q["expired"] for q in seen.get_json()["quotes"]] == [True, True]
    response = client.post(f"/api/v1/needs/{need['id']}/quotes/{arts['id']}/accept",
                           json=pool_body(people["sam_budget"], closing_date=(
                               london_today() + timedelta(days=10)).isoformat()),
                           headers=_as(people, people["sam"]))
    error = _error(response, 409)
    assert error["code"] == "quote_expired" and "so it cannot be accepted" in error["message"]
    assert db.session.scalars(sa.select(Pool)).all() == []
    assert db.session.get(Quote, arts["id"]).state == "live"


def test_accepting_refusals(client, people):
    need, arts, _ = quoted(client, people)
    url = f"/api/v1/needs/{need['id']}/quotes/{arts['id']}/accept"
    body = pool_body(people["sam_budget"])
    other, other_budget = holder_with_budget("Dani Jones")
    assert _error(client.post(url, json=pool_body(other_budget), headers=_as(people, other)),
                  404)["code"] == "not_found"
    # The provider may see the need; answering quotes is the holder's to do.
    assert _error(client.post(url, json=body, headers=_as(people, people["arts"].owner)),
                  403)["code"] == "forbidden"
    assert _error(client.post(url, json=body, headers=_as(people, people["sam"], ("read",))),
                  403)["code"] == "insufficient_scope"
    sam = _as(people, people["sam"])
    assert _error(client.post(url, headers=sam), 400)["parameter"] == "body"
    assert _error(client.post(url, json=pool_body(people["sam_budget"], min_members=1),
                              headers=sam), 400)["parameter"] == "min_members"
    assert _error(client.post(url, json={**body, "sessions": 3}, headers=sam),
                  400)["parameter"] == "body"
    assert _error(client.post(url, json=pool_body(other_budget), headers=sam),
                  404)["parameter"] == "budget_id"
    assert _error(client.post(f"/api/v1/needs/{need['id']}/quotes/999999/accept", json=body,
                              headers=sam), 404)
    assert db.session.scalars(sa.select(Pool)).all() == []
    assert {q.state for q in db.session.scalars(sa.select(Quote))} == {"live"}
    assert db.session.get(Need, need["id"]).state == "open"


def _order_it(client, people, need, quote, key="accept-1", user=None, **changes):
    headers = {**_as(people, user or people["sam"]), **({"Idempotency-Key": key} if key else {})}
    return client.post(f"/api/v1/needs/{need['id']}/quotes/{quote['id']}/accept",
                       json={"budget_id": people["sam_budget"].id, **changes}, headers=headers)


def test_a_need_not_to_be_pooled_is_accepted_by_ordering_the_quote(client, people,
                                                                   matches_schema):
    need, arts, _ = quoted(client, people, would_pool=False, group_size=1)
    response = _order_it(client, people, need, arts, note_to_provider="Mornings please")
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    matches_schema("Order", order)
    assert response.headers["Location"] == order["api_url"]
    assert (order["unit_price_pence"], order["quantity"], order["total_pence"]) == (
        1_250, 6, 7_500)
    assert order["service"]["title"] == "Photography walks"
    assert order["note_to_provider"] == "Mornings please"
    assert balances(people["sam_budget"]).committed_pence == 7_500
    assert db.session.get(Need, need["id"]).state == "accepted"
    # The provider now has the holder's name, as any order gives it; never their email.
    seen = client.get(f"/api/v1/needs/{need['id']}", headers=_as(people, people["arts"].owner))
    assert seen.get_json()["ordered_by"] == {"display_name": "Sam Patel"}
    assert seen.get_json()["my_quote"]["order_api_url"] == order["api_url"]
    assert people["sam"].email not in seen.get_data(as_text=True)
    # The same key again is the same order; a new key finds the quote answered.
    replay = _order_it(client, people, need, arts, note_to_provider="Mornings please")
    assert replay.status_code == 200 and replay.get_json()["id"] == order["id"]
    reused = _order_it(client, people, need, arts, note_to_provider="Evenings")
    assert _error(reused, 422)["code"] == "idempotency_key_reused"
    answered = _order_it(client, people, need, arts, key="accept-2")
    assert _error(answered, 409)["code"] == "already_answered"
    assert balances(people["sam_budget"]).committed_pence == 7_500  # set aside once


def test_ordering_a_quote_needs_a_key_proper_fields_and_a_live_quote(client, people, clock):
    need, arts, eccles = quoted(client, people, would_pool=False, group_size=1)
    no_key = _order_it(client, people, need, arts, key=None)
    assert _error(no_key, 400)["parameter"] == "Idempotency-Key"
    assert _error(_order_it(client, people, need, arts, quantity=3), 400)["parameter"] == "body"
    assert _error(_order_it(client, people, need, arts, budget_id="1"),
                  400)["parameter"] == "budget_id"
    assert _error(_order_it(client, people, need, arts, ends_on="soon"),
                  400)["parameter"] == "ends_on"
    _, other_budget = holder_with_budget("Dani Jones")
    assert _error(_order_it(client, people, need, arts, budget_id=other_budget.id),
                  404)["parameter"] == "budget_id"
    assert _error(client.post(f"/api/v1/needs/{need['id']}/quotes/999999/accept",
                              json={"budget_id": people["sam_budget"].id},
                              headers={**_as(people, people["sam"]), "Idempotency-Key": "k"}),
                  404)["code"] == "not_found"
    # The provider may see the need; ordering the quote is the holder's to do.
    assert _error(_order_it(client, people, need, arts, user=people["arts"].owner),
                  403)["code"] == "forbidden"
    clock.set(clock.now + timedelta(days=25))  # the quotes were open for 20 days
    assert _error(_order_it(client, people, need, eccles, key="late"),
                  409)["code"] == "quote_expired"
    assert balances(people["sam_budget"]).committed_pence == 0
    assert {q.state for q in db.session.scalars(sa.select(Quote))} == {"live"}


def test_closing_a_need_declines_the_quotes_waiting(client, people):
    need, arts, eccles = quoted(client, people)
    headers = _as(people, people["sam"])
    other, _ = holder_with_budget("Dani Jones")
    for user in (other, people["bolton"].owner):
        assert _error(client.post(f"/api/v1/needs/{need['id']}/close",
                                  headers=_as(people, user)), 404)
        assert _error(client.post(f"/api/v1/needs/{need['id']}/decline-others",
                                  headers=_as(people, user)), 404)
    assert _error(client.post(f"/api/v1/needs/{need['id']}/close",
                              headers=_as(people, people["arts"].owner)), 403)
    closed = client.post(f"/api/v1/needs/{need['id']}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.get_json()["state"]["value"] == "closed"
    assert {q["state"]["value"] for q in closed.get_json()["quotes"]} == {"declined"}
    assert closed.get_json()["ended_at"] is not None
    assert client.get("/api/v1/provider/needs", headers=_as(
        people, people["arts"].owner)).get_json() == {"needs": []}
    again = client.post(f"/api/v1/needs/{need['id']}/close", headers=headers)
    assert _error(again, 409)["message"] == "This need is no longer open."


def test_a_need_posted_through_the_api_says_who_it_is_for(client, people):
    posted = post_need(client, people, specialism="women-only")
    assert posted["specialism"] == {"value": "women-only", "label": "Women only"}
    assert post_need(client, people)["specialism"] is None
    error = _error(client.post("/api/v1/needs", json=need_body(specialism="astronauts"),
                               headers=_as(people, people["sam"])), 400)
    assert "'specialism' must be empty or one of" in str(error)
