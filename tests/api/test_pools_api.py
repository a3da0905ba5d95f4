"""The pools API as a client uses it: start, read (with the invite token), list, join once
per Idempotency-Key, leave, the provider's accept of the whole group, and every refusal."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.pools.models import PoolMember
from marketplace.times import london_today
from tests.api.test_orders_api import _bearer
from tests.factories import make_user
from tests.pools.helpers import balances, group_service, holder_with_budget, organisation


@pytest.fixture
def people(app):
    org = organisation()
    service = group_service()
    return service, [holder_with_budget(name, organisation=org)
                     for name in ("Sam Patel", "Dani Jones", "Ali Khan")]


def start_body(service, budget, **changes):
    body = {"service_id": service.id, "sessions": 6, "min_members": 3, "max_members": 3,
            "closing_date": (london_today() + timedelta(days=10)).isoformat(),
            "budget_id": budget.id, "display_name": "Sam P"}
    body.update(changes)
    return body


def start(client, service, people, **changes):
    (sam, sam_budget), *_ = people
    response = client.post("/api/v1/pools", json=start_body(service, sam_budget, **changes),
                           headers=_bearer(sam))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_start_read_and_join_by_the_invite(client, people, matches_schema):
    service, everyone = people
    started = start(client, service, everyone)
    matches_schema("Pool", started)
    assert started["target_pence"] == 6_000 and started["most_anyone_pays_pence"] == 2_000
    assert started["mine"][0]["display_name"] == "Sam P"
    invite = started["invite_url"].split("invite=")[1]
    (_sam, _), (dani, dani_budget), _ = everyone
    headers = _bearer(dani)
    pool_id = started["id"]
    assert client.get(f"/api/v1/pools/{pool_id}", headers=headers).status_code == 404
    seen = client.get(f"/api/v1/pools/{pool_id}?invite={invite}", headers=headers)
    assert seen.status_code == 200 and seen.get_json()["invite_url"] is None
    assert [m["display_name"] for m in seen.get_json()["members"]] == ["Sam P"]
    assert "Sam Patel" not in seen.get_data(as_text=True)

    pledge = {"budget_id": dani_budget.id, "display_name": "DJ"}
    joined = client.post(f"/api/v1/pools/{pool_id}/join?invite={invite}", json=pledge,
                         headers={**headers, "Idempotency-Key": "pledge-1"})
    assert joined.status_code == 201, joined.get_json()
    matches_schema("Pool", joined.get_json())
    again = client.post(f"/api/v1/pools/{pool_id}/join?invite={invite}", json=pledge,
                        headers={**headers, "Idempotency-Key": "pledge-1"})
    assert again.status_code == 200
    assert balances(dani_budget).committed_pence == 2_000  # set aside once
    other = client.post(f"/api/v1/pools/{pool_id}/join?invite={invite}",
                        json={**pledge, "display_name": "x", "budget_id": 999},
                        headers={**headers, "Idempotency-Key": "pledge-1"})
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    mine = client.get("/api/v1/me/pools", headers=headers).get_json()["pools"]
    assert [p["id"] for p in mine] == [pool_id]


def test_joining_needs_a_key_and_a_proper_pledge(client, people):
    service, everyone = people
    started = start(client, service, everyone, open_to="area")
    (_, _), (dani, dani_budget), _ = everyone
    url = f"/api/v1/pools/{started['id']}/join"
    no_key = client.post(url, json={"budget_id": dani_budget.id, "display_name": "D"},
                         headers=_bearer(dani))
    assert no_key.status_code == 400
    assert no_key.get_json()["error"]["parameter"] == "Idempotency-Key"
    bad = client.post(url, json={"budget_id": dani_budget.id, "display_name": ""},
                      headers={**_bearer(dani), "Idempotency-Key": "k"})
    assert bad.status_code == 400 and "display_name" in bad.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 1
    assert [p["id"] for p in client.get("/api/v1/pools", headers=_bearer(dani)).get_json()[
        "pools"]] == [started["id"]]


def test_leave_then_fill_and_the_provider_accepts_the_group(client, people):
    service, everyone = people
    started = start(client, service, everyone, open_to="area")
    pool_id = started["id"]
    for n, (holder, budget) in enumerate(everyone[1:]):
        response = client.post(f"/api/v1/pools/{pool_id}/join",
                               json={"budget_id": budget.id, "display_name": f"M{n}"},
                               headers={**_bearer(holder), "Idempotency-Key": f"k{n}"})
        assert response.status_code == 201, response.get_json()
    funded = client.get(f"/api/v1/pools/{pool_id}", headers=_bearer(everyone[0][0])).get_json()
    assert funded["state"]["value"] == "funded"
    left = client.post(f"/api/v1/pools/{pool_id}/leave", headers=_bearer(everyone[1][0]))
    assert left.status_code == 409  # too late: the pool went ahead

    owner = service.provider.owner
    assert client.post(f"/api/v1/pools/{pool_id}/accept",
                       headers=_bearer(make_user("provider"))).status_code == 404
    assert client.post(f"/api/v1/pools/{pool_id}/accept",
                       headers=_bearer(everyone[0][0])).status_code == 404
    accepted = client.post(f"/api/v1/pools/{pool_id}/accept", headers=_bearer(owner))
    assert accepted.status_code == 200
    assert {o.state for o in db.session.scalars(sa.select(Order))} == {"accepted"}
    assert client.post(f"/api/v1/pools/{pool_id}/accept",
                       headers=_bearer(owner)).status_code == 409


def test_leaving_gives_the_money_back(client, people):
    service, everyone = people
    started = start(client, service, everyone)
    sam, sam_budget = everyone[0]
    left = client.post(f"/api/v1/pools/{started['id']}/leave", headers=_bearer(sam))
    assert left.status_code == 200 and left.get_json()["places_taken"] == 0
    assert balances(sam_budget).committed_pence == 0
    assert client.post(f"/api/v1/pools/{started['id']}/leave",
                       headers=_bearer(sam)).status_code == 404


def test_start_refusals_say_what_is_wrong(client, people):
    service, everyone = people
    sam, sam_budget = everyone[0]
    headers = _bearer(sam)
    too_big = client.post("/api/v1/pools", json=start_body(service, sam_budget, max_members=40),
                          headers=headers)
    assert too_big.status_code == 400 and "the provider takes up to 8" in too_big.get_json()[
        "error"]["message"]
    past = client.post("/api/v1/pools", json=start_body(
        service, sam_budget, closing_date=london_today().isoformat()), headers=headers)
    assert past.status_code == 400
    unknown = client.post("/api/v1/pools", json={**start_body(service, sam_budget), "x": 1},
                          headers=headers)
    assert unknown.status_code == 400
    assert client.post("/api/v1/pools", json=start_body(service, sam_budget),
                       headers=_bearer(make_user("provider"))).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 0


def custom_body(service, budget, **changes):
    body = {**start_body(service, budget, sessions=10), "shares_pence": [4_000, 4_000, 2_000]}
    del body["min_members"], body["max_members"]
    body.update(changes)
    return body


def test_a_custom_share_pool_lists_every_share_and_each_joiner_takes_one(
        client, people, matches_schema):
    service, everyone = people
    (sam, sam_budget), (dani, dani_budget), (ali, ali_budget) = everyone
    response = client.post("/api/v1/pools", json=custom_body(
        service, sam_budget, share_pence=2_000, open_to="area"), headers=_bearer(sam))
    assert response.status_code == 201, response.get_json()
    started = response.get_json()
    matches_schema("Pool", started)
    assert started["share_rule"]["value"] == "custom"
    assert (started["min_members"], started["max_members"]) == (3, 3)
    assert started["most_anyone_pays_pence"] == 4_000
    assert started["shares"] == [{"place": 1, "share_pence": 4_000, "taken": False},
                                 {"place": 2, "share_pence": 4_000, "taken": False},
                                 {"place": 3, "share_pence": 2_000, "taken": True}]
    assert started["mine"][0]["share_pence"] == started["mine"][0]["pledged_pence"] == 2_000
    assert balances(sam_budget).committed_pence == 2_000
    url = f"/api/v1/pools/{started['id']}/join"

    seen = client.get(f"/api/v1/pools/{started['id']}", headers=_bearer(dani)).get_json()
    assert seen["members"] == [{"display_name": "Sam P", "pledged_pence": None,
                                "share_pence": None, "state": seen["members"][0]["state"]}]
    for share, problem in ((None, "Choose one of the open shares: £40.00"),
                           (2_000, "Choose one of the open shares: £40.00"),
                           ("4000", "'share_pence' must be a whole number of pence")):
        refused = client.post(url, json={"budget_id": dani_budget.id, "display_name": "D",
                                         "share_pence": share},
                              headers={**_bearer(dani), "Idempotency-Key": f"no-{share}"})
        assert refused.status_code == 400, share
        assert refused.get_json()["error"]["parameter"] == "share_pence"
        assert problem in refused.get_json()["error"]["message"]
    assert balances(dani_budget).committed_pence == 0

    for holder, budget in ((dani, dani_budget), (ali, ali_budget)):
        joined = client.post(url, json={"budget_id": budget.id, "display_name": "M",
                                        "share_pence": 4_000},
                             headers={**_bearer(holder), "Idempotency-Key": "take-40"})
        assert joined.status_code == 201, joined.get_json()
        matches_schema("Pool", joined.get_json())
    funded = joined.get_json()
    assert funded["state"]["value"] == "funded"
    assert all(share["taken"] for share in funded["shares"])
    assert sorted(o.total_pence for o in db.session.scalars(sa.select(Order))) == [
        2_000, 4_000, 4_000]
    assert balances(dani_budget).committed_pence == 4_000


@pytest.mark.parametrize("changes, parameter, message", [
    ({"shares_pence": [4_000, 4_000, 1_000]}, "shares_pence",
     "The shares add up to £90.00, but the total for 10 sessions is £100.00"),
    ({"shares_pence": [10_000, 0]}, "shares_pence", "Each share must be at least 1p"),
    ({"shares_pence": [200] * 51}, "shares_pence", "Enter 8 shares or fewer"),
    ({"shares_pence": ["40", "40", "20"]}, "shares_pence",
     "'shares_pence' must be a list of whole numbers of pence"),
    ({"shares_pence": []}, "shares_pence", "needs one amount for each place"),
    ({"shares_pence": None}, "min_members", "'min_members' is required, unless you set out"),
    ({"share_pence": 3_000}, "share_pence", "Choose one of the open shares: £40.00, £20.00"),
])
def test_custom_shares_that_do_not_make_sense_are_refused(client, people, changes, parameter,
                                                          message):
    service, everyone = people
    sam, sam_budget = everyone[0]
    response = client.post("/api/v1/pools", json=custom_body(service, sam_budget, **changes),
                           headers=_bearer(sam))
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["parameter"] == parameter
    assert message in response.get_json()["error"]["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 0
    assert balances(sam_budget).committed_pence == 0
