"""Bodies a client should never send (a lone surrogate, JSON nested thousands deep) and methods a
path does not take are refused in the API's own words, never with a 500."""
import pytest

from tests.api.test_orders_api import Market, _order_count

DEEP = 100_000
LONE_SURROGATE = r'"Mornings \ud800 please"'  # JSON's escape for half a character
BAD_BODIES = {
    "a lone surrogate in a value": '{{"budget_id": {budget}, "service_id": {service}, '
                                   '"quantity": 1, "note_to_provider": ' + LONE_SURROGATE + '}}',
    "a lone surrogate in a field name": '{{"budget_id": {budget}, "service_id": {service}, '
                                        '"quantity": 1, "\\udc00": 1}}',
    "nesting deeper than any order": '{{"budget_id": {budget}, "service_id": {service}, '
                                     '"quantity": 1, "note_to_provider": '
                                     + "[" * DEEP + "]" * DEEP + "}}",
    "a body nested and nothing else": "[" * DEEP + "]" * DEEP,
    # surrogateescape turns these two into the raw bytes 0xff 0xfe.
    "bytes that are not UTF-8": '{{"budget_id": {budget}, "service_id": {service}, '
                                '"quantity": 1, "note_to_provider": "\udcff\udcfe"}}',
}


@pytest.fixture
def market(app):
    return Market()


def _send(client, headers, path, text, market):
    data = text.replace("{{", "{").replace("}}", "}").replace(
        "{budget}", str(market.budget.id)).replace("{service}", str(market.service.id))
    return client.post(path, headers={**headers, "Content-Type": "application/json"},
                       data=data.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("what", list(BAD_BODIES))
def test_an_order_body_no_one_can_store_is_a_400(client, market, matches_schema, what):
    response = _send(client, market.headers(market.holder, "bad-body"), "/api/v1/orders",
                     BAD_BODIES[what], market)
    assert response.status_code == 400, response.get_data(as_text=True)
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"]["parameter"] == "body"
    assert "JSON object" in response.get_json()["error"]["message"]
    assert _order_count() == 0


@pytest.mark.parametrize("text", ['{"note": ' + LONE_SURROGATE + "}",
                                  '{"note": ' + "[" * DEEP + "]" * DEEP + "}"])
def test_an_action_body_no_one_can_store_is_a_400(client, market, matches_schema, text):
    order_id = market.place(client).get_json()["id"]
    response = _send(client, market.headers(market.holder), f"/api/v1/orders/{order_id}/cancel",
                     text, market)
    assert response.status_code == 400
    matches_schema("Error", response.get_json())
    assert client.get(f"/api/v1/orders/{order_id}", headers=market.headers(
        market.holder)).get_json()["state"]["value"] == "awaiting_approval"


def test_a_body_too_large_is_a_413_in_the_api_words(client, market, matches_schema):
    note = "x" * (3 * 2**20)
    response = client.post("/api/v1/orders", headers=market.headers(market.holder, "big"),
                           json=market.body(note_to_provider=note))
    assert response.status_code == 413
    matches_schema("Error", response.get_json())
    assert "413" in client.get("/api/v1/openapi.json").get_json()[
        "paths"]["/orders"]["post"]["responses"]
    assert _order_count() == 0


def test_a_surrogate_pair_is_a_character_like_any_other(client, market):
    # The escapes of one emoji together are fine: only half a character is refused.
    response = _send(client, market.headers(market.holder, "emoji"), "/api/v1/orders",
                     '{{"budget_id": {budget}, "service_id": {service}, "quantity": 1, '
                     r'"note_to_provider": "Thanks \ud83d\ude00"}}', market)
    assert response.status_code == 201
    assert response.get_json()["note_to_provider"] == "Thanks \U0001f600"


@pytest.mark.parametrize("method, path, allowed", [
    ("POST", "/api/v1/services", "GET, HEAD, OPTIONS"),
    ("DELETE", "/api/v1/services/1", "GET, HEAD, OPTIONS"),
    ("GET", "/api/v1/orders", "OPTIONS, POST"),
    ("PUT", "/api/v1/orders/1", "GET, HEAD, OPTIONS"),
    ("GET", "/api/v1/orders/1/cancel", "OPTIONS, POST"),
])
def test_a_method_a_path_does_not_take_is_a_405_saying_which_it_does(
        client, matches_schema, method, path, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_a_path_that_does_not_exist_is_a_404_whatever_the_method(client, matches_schema):
    for method in ("GET", "POST", "DELETE"):
        response = client.open("/api/v1/no-such-thing", method=method)
        assert response.status_code == 404
        matches_schema("Error", response.get_json())


def test_pages_say_which_methods_they_take_too(client):
    response = client.post("/search")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_every_operation_documents_its_405_and_429(openapi_document):
    for path, operations in openapi_document["paths"].items():
        for method, operation in operations.items():
            for status in ("405", "429"):
                assert status in operation["responses"], f"{method} {path} {status}"
    answers = openapi_document["components"]["responses"]
    assert "Allow" in answers["MethodNotAllowed"]["headers"]
    assert "Retry-After" in answers["TooManyRequests"]["headers"]
