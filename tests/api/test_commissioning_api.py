"""The commissioners' figures over the API: the same cells as the CSV downloads, through the
same disclosure control, for commissioners only; bad filters are 400 naming the parameter;
published market position statements are open to anyone, drafts are not."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.statements import create_draft, publish
from marketplace.extensions import db
from marketplace.search.models import SearchLogEntry
from tests.api.test_orders_api import _bearer
from tests.factories import PASSWORD, make_provider, make_service, make_user

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PERIOD = "start=2026-09-01&end=2026-11-30"


@pytest.fixture
def market(app, clock):
    clock.set(NOW)
    make_service(make_provider(name="Salford Peers"))
    db.session.add_all(SearchLogEntry(query_text="urdu", filters={"category": "peer-support"},
                                      area="salford", result_count=0, created_at=NOW)
                       for _ in range(9))
    db.session.commit()


@pytest.mark.parametrize("view", ["market", "spend", "equality", "quality"])
def test_each_view_answers_the_cells_of_its_csv(client, market, matches_schema, view):
    commissioner = make_user("commissioner")
    response = client.get(f"/api/v1/commissioning/{view}?{PERIOD}",
                          headers=_bearer(commissioner, ["read"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    matches_schema("CommissioningTable", body)
    assert body["period"] == {"start": "2026-09-01", "end": "2026-11-30"}
    page_client = client.application.test_client()
    page_client.post("/login", data={"email": commissioner.email, "password": PASSWORD})
    download = page_client.get(f"/commissioning/{view}.csv?{PERIOD}")
    assert download.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert [body["columns"], *body["rows"]] == lines


def test_the_market_map_hides_small_counts(client, market):
    body = client.get(f"/api/v1/commissioning/market?{PERIOD}",
                      headers=_bearer(make_user("commissioner"), ["read"])).get_json()
    salford = body["rows"][0]
    assert salford[:2] == ["Peer support and self-help groups", "Salford"]
    columns = body["columns"]
    assert salford[columns.index("Services listed")] == "fewer than 8"
    assert salford[columns.index("Searches that found nothing")] == "10"


@pytest.mark.parametrize("query, field", [
    ("end=2026-13-40", "end"), ("area=Narnia", "area"), ("category=nope", "category"),
    ("start=2026-11-30&end=2026-09-01", "end"), ("colour=blue", "colour")])
def test_bad_filters_are_400_naming_the_parameter(client, market, query, field):
    response = client.get(f"/api/v1/commissioning/market?{query}",
                          headers=_bearer(make_user("commissioner"), ["read"]))
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == field


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager",
                                  "moderator"])
def test_only_commissioners_read_the_figures(client, market, role):
    for view in ("market", "spend", "equality", "quality"):
        response = client.get(f"/api/v1/commissioning/{view}",
                              headers=_bearer(make_user(role), ["read"]))
        assert response.status_code == 403, view
        assert response.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/commissioning/market").status_code == 401


def test_published_statements_are_open_and_drafts_are_not(app, client, market, matches_schema):
    commissioner = make_user("commissioner")
    draft = create_draft(commissioner, NOW.date().replace(month=9, day=1), NOW.date(),
                         current_rule())
    db.session.commit()
    assert client.get(f"/api/v1/market-position-statements/{draft.id}").status_code == 404
    assert client.get("/api/v1/market-position-statements").get_json() == {"statements": []}
    draft.sections = {**draft.sections, "intentions": "We will fund Urdu peer groups."}
    publish(draft)
    db.session.commit()
    response = client.get(f"/api/v1/market-position-statements/{draft.id}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    matches_schema("MarketPositionStatement", body)
    assert body["sections"][-1] == {"heading": "What the council will do",
                                    "text": "We will fund Urdu peer groups."}
    matches_schema("StatementList", client.get("/api/v1/market-position-statements").get_json())
