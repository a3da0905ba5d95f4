import pytest

from marketplace.extensions import db
from marketplace.search.models import SearchLogEntry
from tests.factories import make_provider, make_service


def _search(client, **params):
    return client.get("/api/v1/services", query_string=params)


def test_search_returns_results_in_the_documented_shape(client, matches_schema):
    provider = make_provider(name="Salford Voices", provider_type="ulo", is_user_led=True,
                             staff_count=4)
    make_service(provider, title="Hearing voices group", price_pence=1250, price_unit="session",
                 is_group=True, capacity=8, poolable=True, evenings=True)

    response = _search(client, q="voices")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    matches_schema("SearchResults", body)
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    assert body["suggestion"] is None
    result = body["results"][0]
    assert result["title"] == "Hearing voices group"
    assert result["price_pence"] == 1250
    assert result["price_display"] == "£12.50 per session"
    assert result["provider"]["name"] == "Salford Voices"
    assert [badge["code"] for badge in result["badges"]] == ["ulo", "micro", "pool"]
    assert result["areas"] == [{"value": "salford", "label": "Salford"}]
    assert result["rating_display"] == "Not yet rated"
    assert result["url"].endswith(f"/services/{result['id']}")


def test_filters_narrow_and_facets_count_the_results(client, matches_schema):
    make_service(title="Peer support in Salford", category="peer-support")
    make_service(title="Peer support online", category="peer-support",
                 delivery_modes=["online"], local_authorities=["manchester"])
    make_service(title="Art for wellbeing", category="arts", evenings=True)

    everything = _search(client).get_json()
    assert everything["total"] == 3
    categories = {facet["value"]: facet["count"] for facet in everything["facets"]["category"]}
    assert categories["peer-support"] == 2 and categories["arts"] == 1

    narrowed = _search(client, category="peer-support", mode="online").get_json()
    matches_schema("SearchResults", narrowed)
    assert [r["title"] for r in narrowed["results"]] == ["Peer support online"]
    evenings = _search(client, evenings="true").get_json()
    assert [r["title"] for r in evenings["results"]] == ["Art for wellbeing"]
    selected = [f for f in narrowed["facets"]["category"] if f["selected"]]
    assert [f["value"] for f in selected] == ["peer-support"]


def test_results_come_in_pages(client, app, matches_schema):
    app.config["SEARCH_PAGE_SIZE"] = 2
    for number in range(5):
        make_service(title=f"Walking group {number}", price_pence=1000 + number)

    first = _search(client, q="walking", sort="price").get_json()
    last = _search(client, q="walking", sort="price", page="3").get_json()

    matches_schema("SearchResults", last)
    assert (first["total"], first["pages"], first["page_size"]) == (5, 3, 2)
    assert [r["price_pence"] for r in first["results"]] == [1000, 1001]
    assert last["page"] == 3 and [r["price_pence"] for r in last["results"]] == [1004]


def test_paused_services_are_not_found(client):
    make_service(title="Gardening club")
    make_service(title="Gardening mornings", status="paused")

    body = _search(client, q="gardening").get_json()

    assert [r["title"] for r in body["results"]] == ["Gardening club"]


def test_a_repeated_search_is_answered_again_after_a_change_and_each_is_logged(client):
    """Answers are kept per index generation: the same search twice is one answer, a pause in
    between is seen at once, and every search still has its log row."""
    from marketplace.providers import services as listings

    club = make_service(title="Gardening club")
    first = _search(client, q="gardening").get_json()
    assert _search(client, q="gardening").get_json() == first
    listings.pause_service(club)
    db.session.commit()
    assert _search(client, q="gardening").get_json()["results"] == []
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLogEntry)) == 3


def test_a_misspelling_with_no_results_shows_the_corrected_results(client):
    make_service(title="Befriending visits", category="befriending")

    body = _search(client, q="befreinding").get_json()
    assert body["corrected"] == "befriending"
    assert [hit["title"] for hit in body["results"]] == ["Befriending visits"]

    body = _search(client, q="befreinding", exact="true").get_json()
    assert (body["total"], body["corrected"], body["suggestion"]) == (0, None, "befriending")


def test_each_search_is_logged_without_identity_as_an_api_search(client):
    make_service(title="Swimming sessions")

    _search(client, q="swimming", area="M6", evenings="true")

    entry = db.session.scalar(db.select(SearchLogEntry))
    assert entry.channel == "api"
    assert entry.query_text == "swimming"
    assert entry.area == "M6"
    assert entry.filters == {"area": "M6", "evenings": "true"}
    assert entry.result_count == 0


@pytest.mark.parametrize(
    ("parameter", "value", "allowed"),
    [
        ("category", "knitting", "peer-support"),
        ("area", "Narnia", "Salford"),
        ("mode", "telepathy", "online"),
        ("language", "klingon", "bsl"),
        ("provider_type", "robot", "ulo"),
        ("max_price", "cheap", "12.50"),
        ("max_price", "-5", "12.50"),
        ("min_rating", "7", "1 to 5"),
        ("ulo", "maybe", "true or false"),
        ("micro", "maybe", "true or false"),
        ("evenings", "maybe", "true or false"),
        ("weekends", "maybe", "true or false"),
        ("poolable", "maybe", "true or false"),
        ("sort", "random", "price-desc"),
        ("page", "0", "1 to"),
        ("page", "two", "1 to"),
        ("q", "x" * 201, "200"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it_and_what_is_allowed(
    client, matches_schema, parameter, value, allowed
):
    response = _search(client, **{parameter: value})

    assert response.status_code == 400
    body = response.get_json()
    matches_schema("Error", body)
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["parameter"] == parameter
    assert allowed in body["error"]["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLogEntry)) == 0


def test_one_service_in_full(client, matches_schema):
    provider = make_provider(name="Bolton Buddies", local_authority="bolton")
    service = make_service(provider, title="Buddy walks", description="Walks with a buddy.",
                           specialisms=["older-people"], schedule="Sundays 10am",
                           weekends=True, tags=["walking"], local_authorities=[],
                           postcode_districts=["BL1"])

    response = client.get(f"/api/v1/services/{service.id}")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    matches_schema("ServiceDetail", body)
    assert body["description"] == "Walks with a buddy."
    assert body["specialisms"] == [{"value": "older-people", "label": "Older people"}]
    assert body["areas"] == [{"value": "BL1", "label": "BL1"}]
    assert body["provider"]["id"] == provider.id and body["provider"]["name"] == "Bolton Buddies"


def test_a_paused_or_missing_service_is_a_json_404(client, matches_schema):
    paused = make_service(status="paused")

    for path in (f"/api/v1/services/{paused.id}", "/api/v1/services/999999",
                 "/api/v1/services/not-a-number"):
        response = client.get(path)
        assert response.status_code == 404, path
        matches_schema("Error", response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"


def test_an_unknown_api_path_is_a_json_404(client, matches_schema):
    for path in ("/api/v1/nothing-here", "/api/v1/services/1/reviews", "/api/v2/services"):
        response = client.get(path)
        assert response.status_code == 404, path
        matches_schema("Error", response.get_json())


def test_the_api_is_read_only(client, matches_schema):
    response = client.post("/api/v1/services", json={"title": "Sneaky"})

    assert response.status_code == 405
    matches_schema("Error", response.get_json())


def test_a_district_outside_greater_manchester_is_served_as_documented(client, matches_schema):
    # Providers may type any postcode district; it is described, not a 500.
    service = make_service(postcode_districts=["B1"])
    response = client.get(f"/api/v1/services/{service.id}")
    assert response.status_code == 200
    matches_schema("ServiceDetail", response.get_json())
    assert {"value": "B1", "label": "B1"} in response.get_json()["areas"]
