from openapi_spec_validator import validate

from marketplace import areas, vocabulary
from marketplace.orders.states import PERSON_ACTIONS


def _parameters(document, path):
    return {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}


def test_the_document_is_valid_openapi_3_1(openapi_document):
    assert openapi_document["openapi"].startswith("3.1")
    validate(openapi_document)  # raises on any fault


def test_the_document_is_open_data(client):
    response = client.get("/api/v1/openapi.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.mimetype == "application/json"


def test_every_endpoint_is_described(openapi_document, app):
    described = set(openapi_document["paths"])
    assert described == {
        "/services", "/services/{service_id}", "/providers/{provider_id}", "/openapi.json",
        "/me", "/me/budgets", "/me/statement", "/orders", "/orders/{order_id}",
        *(f"/orders/{{order_id}}/{action}" for action in PERSON_ACTIONS),
        "/pools", "/me/pools", "/pools/{pool_id}", "/pools/{pool_id}/join",
        "/pools/{pool_id}/leave", "/pools/{pool_id}/accept", "/pools/{pool_id}/decline",
        "/needs", "/needs/{need_id}", "/me/needs", "/provider/needs", "/needs/{need_id}/quotes",
        "/commissioning/market", "/commissioning/spend", "/commissioning/equality",
        "/commissioning/quality", "/market-position-statements",
        "/market-position-statements/{statement_id}",
        "/needs/{need_id}/quotes/{quote_id}/withdraw", "/needs/{need_id}/quotes/{quote_id}/accept",
        "/needs/{need_id}/decline-others", "/needs/{need_id}/close",
        "/services/{service_id}/reviews", "/orders/{order_id}/review",
        "/reviews/{review_id}/reply", "/reviews/{review_id}/reports",
        "/services/{service_id}/enquiries", "/enquiries", "/enquiries/{enquiry_id}",
        "/enquiries/{enquiry_id}/messages",
    }
    served = {
        rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_endpoint"
    }
    assert served == described


def test_every_search_parameter_lists_the_values_the_api_accepts(openapi_document):
    parameters = _parameters(openapi_document, "/services")
    assert set(parameters) == {"q", "category", "area", "mode", "language", "max_price",
                               "min_rating", "provider_type", "ulo", "micro", "evenings",
                               "weekends", "poolable", "free", "exact", "sort", "page"}
    assert parameters["category"]["schema"]["enum"] == vocabulary.values(vocabulary.CATEGORIES)
    assert parameters["mode"]["schema"]["enum"] == vocabulary.values(vocabulary.DELIVERY_MODES)
    assert parameters["language"]["schema"]["enum"] == vocabulary.values(vocabulary.LANGUAGES)
    assert parameters["provider_type"]["schema"]["enum"] == vocabulary.values(
        vocabulary.PROVIDER_TYPES)
    assert parameters["sort"]["schema"]["enum"] == vocabulary.values(vocabulary.SORTS)
    assert parameters["min_rating"]["schema"]["enum"] == [1, 2, 3, 4, 5]
    area_values = parameters["area"]["schema"]["anyOf"][0]["enum"]
    assert "salford" in area_values and "M14" in area_values
    assert len(area_values) == len(areas.LOCAL_AUTHORITIES) + len(areas.DISTRICT_TO_AUTHORITY)
    assert "true" in parameters["evenings"]["schema"]["enum"]


def test_the_error_body_is_described_exactly(openapi_document):
    error = openapi_document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["additionalProperties"] is False
    assert error["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    inner = openapi_document["components"]["schemas"]["ErrorDetail"]
    assert inner["required"] == ["code", "message"]
    assert set(inner["properties"]) == {"code", "message", "parameter"}
    assert inner["additionalProperties"] is False
    responses = openapi_document["paths"]["/services"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    for path in ("/services/{service_id}", "/providers/{provider_id}"):
        assert "404" in openapi_document["paths"][path]["get"]["responses"]


def test_every_request_field_can_be_named_by_an_error(openapi_document):
    """A 400 names the field that was wrong; the error schema must allow every field a request
    body has, or a caller validating answers against the document rejects a true one."""
    schemas = openapi_document["components"]["schemas"]
    nameable = set(schemas["ErrorDetail"]["properties"]["parameter"]["enum"])
    fields = set()
    for operations in openapi_document["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "$ref" in body["schema"]:
                name = body["schema"]["$ref"].rsplit("/", 1)[-1]
                fields |= set(schemas[name].get("properties", {}))
    assert "specialism" in fields and fields - nameable == set()
