"""GET and PATCH /api/v1/me: a budget holder's home area and interests, and the open pools
they decide (GET /pools nearest first; a pool outside the area is 404, and a supporter may not
pledge for someone outside it: 403)."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from tests.api.test_orders_api import _bearer
from tests.budgets.helpers import grant
from tests.factories import make_provider, make_service, make_user
from tests.pools.helpers import balances, holder_with_budget, organisation, request


def test_a_holder_reads_and_sets_their_area_and_interests(client, matches_schema):
    sam = make_user("holder", name="Sam Patel")
    read = client.get("/api/v1/me", headers=_bearer(sam, ("read",)))
    assert read.status_code == 200
    matches_schema("Me", read.get_json())
    assert read.get_json()["local_authority"] is None
    assert read.get_json()["interests"] == []

    headers = _bearer(sam, ("read", "order"))
    changed = client.patch("/api/v1/me", headers=headers, json={
        "local_authority": "salford", "postcode_district": "m6 5ab", "interests": ["arts"]})
    assert changed.status_code == 200, changed.get_json()
    matches_schema("Me", changed.get_json())
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body["local_authority"] == {"value": "salford", "label": "Salford"}
    assert body["postcode_district"] == "M6"  # never the full postcode
    assert body["interests"] == [{"value": "arts", "label": "Arts and creative activities"}]
    # Only what is sent changes; null clears.
    partly = client.patch("/api/v1/me", headers=headers, json={"postcode_district": None})
    assert partly.get_json()["postcode_district"] is None
    assert partly.get_json()["local_authority"]["value"] == "salford"


@pytest.mark.parametrize("body, parameter, words", [
    ({"local_authority": "salford", "postcode_district": "M14"}, "postcode_district",
     "M14 is not in Salford"),
    ({"postcode_district": "M6"}, "postcode_district", "Choose your council as well"),
    ({"local_authority": "narnia"}, "local_authority", "'local_authority' must be one of"),
    ({"interests": ["knitting"]}, "interests", "'interests' must be a list of categories"),
    ({"home": "M6"}, "body", "'home' cannot be changed here"),
])
def test_a_bad_area_is_a_400_naming_the_field_and_changes_nothing(client, body, parameter,
                                                                  words):
    sam = make_user("holder")
    headers = _bearer(sam, ("read", "order"))
    refused = client.patch("/api/v1/me", headers=headers, json=body)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["parameter"] == parameter
    assert words in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/me", headers=headers).get_json()["local_authority"] is None


def test_only_a_holder_with_the_order_scope_may_change_an_area(client):
    sam = make_user("holder")
    assert client.patch("/api/v1/me", headers=_bearer(sam, ("read",)),
                        json={"local_authority": "salford"}).status_code == 403
    jo = make_user("supporter")
    refused = client.patch("/api/v1/me", headers=_bearer(jo, ("read", "order")),
                           json={"local_authority": "salford"})
    assert refused.status_code == 403
    assert "Only budget holders have a home area" in refused.get_json()["error"]["message"]


@pytest.fixture
def salford_pools(app):
    org = organisation()
    provider = make_provider(name="Pendleton Arts")
    starter, starter_budget = holder_with_budget("Sam Patel", organisation=org)
    made = []
    for title, days, districts in (("Whole Salford pool", 5, []), ("M6 pool", 20, ["M6"])):
        service = make_service(provider, title=title, category="arts", poolable=True,
                               price_pence=1_000, capacity=8, postcode_districts=districts)
        made.append(pools.start_pool(starter, starter.id,
                                     request(service, open_to="area", title=title, days=days),
                                     Pledge(starter_budget.id, "Sam")).pool)
    db.session.commit()
    return org, made


def test_open_to_me_lists_only_my_areas_pools_nearest_first(client, salford_pools):
    org, (whole, in_m6) = salford_pools
    lee, _ = holder_with_budget("Lee Hall", organisation=org, district="M6")
    listed = client.get("/api/v1/pools", headers=_bearer(lee)).get_json()["pools"]
    assert [pool["title"] for pool in listed] == ["M6 pool", "Whole Salford pool"]
    bo, _ = holder_with_budget("Bo Lane", organisation=org, area="bury")
    assert client.get("/api/v1/pools", headers=_bearer(bo)).get_json()["pools"] == []
    nia, _ = holder_with_budget("Nia Obi", organisation=org, area="")
    assert client.get("/api/v1/pools", headers=_bearer(nia)).get_json()["pools"] == []


def test_a_pool_outside_my_area_is_not_found_and_cannot_be_joined(client, salford_pools):
    org, (whole, _) = salford_pools
    bo, bo_budget = holder_with_budget("Bo Lane", organisation=org, area="bury")
    headers = _bearer(bo, ("read", "order"))
    assert client.get(f"/api/v1/pools/{whole.id}", headers=headers).status_code == 404
    joined = client.post(f"/api/v1/pools/{whole.id}/join", headers={
        **headers, "Idempotency-Key": "bo-1"}, json={"budget_id": bo_budget.id,
                                                     "display_name": "Bo"})
    assert joined.status_code == 404
    assert balances(bo_budget).committed_pence == 0


def test_a_supporter_may_not_pledge_for_someone_outside_the_pools_area(client, salford_pools):
    org, (whole, _) = salford_pools
    helper = make_user("supporter")
    near, near_budget = holder_with_budget("Dee Near", organisation=org)
    away, away_budget = holder_with_budget("Ray Away", organisation=org, area="bury")
    for person in (near, away):
        grant(person, helper, ["view", "buy"])
    headers = _bearer(helper, ("read", "order"))
    assert client.get(f"/api/v1/pools/{whole.id}", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/pools/{whole.id}/join", headers={
        **headers, "Idempotency-Key": "ray-1"}, json={
        "holder_id": away.id, "budget_id": away_budget.id, "display_name": "Ray"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_open_to_holder"
    assert "not open to Ray Away" in refused.get_json()["error"]["message"]
    assert balances(away_budget).committed_pence == 0
    joined = client.post(f"/api/v1/pools/{whole.id}/join", headers={
        **headers, "Idempotency-Key": "dee-1"}, json={
        "holder_id": near.id, "budget_id": near_budget.id, "display_name": "Dee"})
    assert joined.status_code == 201
