"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API.

Built at request time: the schemas of every body come from the pydantic models that also build
the JSON (api/models.py, api/private_models.py), so a response cannot drift from what this
document says; the allowed query values come from marketplace.vocabulary and marketplace.areas.
Every operation lists every status it can answer: 405 (with an Allow header) and 429 (with
Retry-After) everywhere, 401/403 behind a token, and each refusal its view can raise.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from marketplace import vocabulary
from marketplace.api import (blueprint, models, need_models, pool_models, private_models,
                            review_models)
from marketplace.api.need_openapi import need_paths
from marketplace.api.me_openapi import me_paths
from marketplace.api.pool_openapi import pool_paths
from marketplace.api.review_openapi import review_paths
from marketplace.api import commissioning_openapi, enquiry_openapi
# The token endpoints' limits come from their modules, so this document always states what the
# code accepts (importing them also registers their routes on the blueprint).
from marketplace.api.me import MAX_CURSOR, MAX_STATEMENT_PAGE
from marketplace.api.models import area_values
from marketplace.api.orders import MAX_KEY_LENGTH
from marketplace.budgets.statements import PAGE_SIZE as STATEMENT_PAGE_SIZE
from marketplace.ids import MAX_ID
from marketplace.orders.states import PERSON_ACTIONS, TRANSITIONS
from marketplace.search.params import MAX_PAGE, MAX_QUERY_LENGTH

BOOLEAN_FILTERS: list[tuple[str, str]] = [
    ("ulo", "Only services from user-led organisations (run by the people who use them)."),
    ("micro", "Only services from micro-providers "
              f"({vocabulary.MICRO_PROVIDER_SIZE})."),
    ("evenings", "Only services that run in the evening."),
    ("weekends", "Only services that run at weekends."),
    ("poolable", "Only group services that people can pool their budgets to buy."),
    ("free", "Only services with no charge (priced at £0)."),
    ("exact", "Search the words of q exactly as typed: no word is read as a filter and "
              "no spelling is corrected."),
]
#: Besides the listed values, any postcode district or full postcode, in any case.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?(\s*[0-9][A-Za-z]{2})?\s*$"
#: The values a yes/no filter accepts (case does not matter); anything else is a 400.
FLAG_VALUES = ["true", "false", "1", "0", "on", "off", "yes", "no"]
POUNDS_PATTERN = r"^\s*£?\s*[0-9]{1,7}(\.[0-9]{1,2})?\s*$"
#: The bodies the API sends (schemas as serialised) and reads (schemas as validated).
RESPONSE_MODELS = [models.ServiceSummary, models.ServiceDetail, models.ProviderSummary,
                   models.ProviderDetail, models.SearchResults, models.Error,
                   private_models.Me, private_models.BudgetList, private_models.StatementPage,
                   private_models.Order, pool_models.Pool, pool_models.PoolList, need_models.Need,
                   need_models.ProviderNeed, need_models.NeedList, need_models.ProviderNeedList,
                   need_models.Quote, *review_models.RESPONSES]
REQUEST_MODELS = [private_models.MeRequest, private_models.OrderRequest,
                  private_models.ActionRequest, pool_models.PoolRequest,
                  pool_models.PledgeRequest, pool_models.LeaveRequest,
                  pool_models.GroupActionRequest, need_models.NeedRequest,
                  need_models.QuoteRequest, need_models.QuotePoolRequest,
                  need_models.QuoteOrderRequest, *review_models.REQUESTS]
#: Who takes each kind of action, in the words of the document.
TAKEN_BY = {
    "holder": "the budget holder, or a supporter they gave the 'buy' permission",
    "provider": "the provider that sells the service",
    "organisation": "staff of the managed-account organisation that holds the budget",
    "resolver": "staff of the managed-account organisation that holds the budget (managed "
                "accounts) or a commissioner (direct payments)",
}
MONEY_EFFECTS = {
    "approve": "No money moves: the cost stays set aside.",
    "reject": "The money set aside goes back to the budget.",
    "accept": "No money moves.",
    "decline": "The money set aside goes back to the budget.",
    "deliver": "No money moves. If the holder does nothing, the order confirms itself after "
               "the days the organisation set (7 for direct payments).",
    "confirm": "The money set aside is spent: it becomes owed to the provider.",
    "cancel": "The money set aside goes back to the budget (a card payment is refunded).",
    "dispute": "The money stays set aside until the dispute is settled.",
    "resolve_pay": "The money set aside is spent: it becomes owed to the provider.",
    "resolve_release": "The money set aside goes back to the budget.",
    "refund": "What the provider was owed goes back to the budget.",
}


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on every field (the names say it already)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def _schemas() -> dict[str, Any]:
    _, document = models_json_schema(
        [(model, "serialization") for model in RESPONSE_MODELS + enquiry_openapi.RESPONSE_MODELS
         + commissioning_openapi.RESPONSE_MODELS]
        + [(model, "validation") for model in REQUEST_MODELS + enquiry_openapi.REQUEST_MODELS],
        ref_template="#/components/schemas/{model}", schema_generator=_Generator,
    )
    return document["$defs"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter; sent empty (?area=) it counts as left out."""
    return {"name": name, "in": "query", "required": False, "allowEmptyValue": True,
            "description": f"{description} Empty is the same as left out.", "schema": schema}


def _search_parameters() -> list[dict[str, Any]]:
    parameters = [
        _query("q", "Words to search for. Plain language works: 'PA', 'lonely', 'gym'. Words "
                    "naming a filter value ('Urdu', 'evenings', 'weekends', 'online', 'free', "
                    "'Salford', 'M14', 'advocacy') set that filter unless it is set already; "
                    "results matching every word come first, then those matching most.",
               {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
        _query("category", "Only this category.",
               {"type": "string", "enum": vocabulary.values(vocabulary.CATEGORIES)}),
        _query("area", "A Greater Manchester local authority (slug) or postcode district; "
                       "case does not matter, and a full postcode is cut to its district.",
               {"type": "string",
                "anyOf": [{"enum": area_values()}, {"pattern": POSTCODE_PATTERN}]}),
        _query("mode", "Only services delivered this way.",
               {"type": "string", "enum": vocabulary.values(vocabulary.DELIVERY_MODES)}),
        _query("language", "Only services offered in this language.",
               {"type": "string", "enum": vocabulary.values(vocabulary.LANGUAGES)}),
        _query("max_price", "Highest price in pounds, like 20 or 12.50.",
               {"type": "string", "pattern": POUNDS_PATTERN}),
        _query("min_rating", "Only services rated at least this many stars.",
               {"type": "integer", "enum": [1, 2, 3, 4, 5]}),
        _query("provider_type", "Only this kind of provider.",
               {"type": "string", "enum": vocabulary.values(vocabulary.PROVIDER_TYPES)}),
    ]
    parameters += [_query(name, f"{description} Case does not matter.",
                          {"type": "string", "enum": FLAG_VALUES, "default": "false"})
                   for name, description in BOOLEAN_FILTERS]
    parameters += [
        _query("sort", "Order of results. " + "; ".join(
                   f"{value}: {label}" for value, label in vocabulary.SORTS) + ".",
               {"type": "string", "enum": vocabulary.values(vocabulary.SORTS),
                "default": "relevance"}),
        _query("page", f"Page of results, from 1 to {MAX_PAGE}.",
               {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    ]
    return parameters


def _json(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": {"$ref": "#/components/headers/AllowOrigin"}},
        "content": {"application/json": {"schema": _ref(schema)}},
    }


def _id_parameter(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": f"The {what}'s id.",
            "schema": {"type": "integer"}}


def build_document() -> dict[str, Any]:
    not_found = _json("Not found.", "Error")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pathways API",
            "version": "1.2.0",
            "description": (
                "Search and read the support services listed on Pathways, a marketplace for "
                "people with a personal budget: open data, no key needed. With a personal "
                "access token (made on your account's API tokens page, /account/tokens) read "
                "your budgets and statements and place and act on orders: send it as "
                "'Authorization: Bearer <token>'; session cookies are not accepted there. "
                "Money is integer pence (GBP) in fields named *_pence, each beside a display "
                "string. Times (format date-time) are UTC with an explicit offset, like "
                "2026-03-31T23:30:00+00:00; dates (format date) are days in the UK "
                "(Europe/London). Errors are JSON with a 4xx status: see the Error schema. "
                "The same services are also published as Open Referral UK 3.0, the standard "
                f"council directories read, at {url_for('openreferral.about', _external=True)} "
                "(see externalDocs)."
            ),
        },
        "externalDocs": {
            "description": "Open data on Pathways: this API and the Open Referral UK feed",
            "url": url_for("open_data.page", _external=True),
        },
        "servers": [{"url": url_for("api.openapi").removesuffix("/openapi.json")}],
        "paths": _with_common_answers({
            "/services": {"get": {
                "operationId": "searchServices",
                "summary": "Search services",
                "description": "The same search as the /search page, with facet counts.",
                "parameters": _search_parameters(),
                "responses": {
                    "200": _json("A page of results.", "SearchResults"),
                    "400": _json("A parameter has a value that is not allowed; the error "
                                 "names the parameter and says what is allowed.", "Error"),
                },
            }},
            "/services/{service_id}": {"get": {
                "operationId": "getService",
                "summary": "One active service",
                "parameters": [_id_parameter("service_id", "service")],
                "responses": {
                    "200": _json("The service.", "ServiceDetail"),
                    "404": not_found | {"description": "No such service, or it is paused."},
                },
            }},
            "/providers/{provider_id}": {"get": {
                "operationId": "getProvider",
                "summary": "A provider's profile and active services",
                "parameters": [_id_parameter("provider_id", "provider")],
                "responses": {
                    "200": _json("The provider.", "ProviderDetail"),
                    "404": not_found | {"description": "No such provider."},
                },
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "responses": {"200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }},
            }},
            **_private_paths(),
        }),
        "components": {
            "schemas": _schemas(),
            "headers": {
                "AllowOrigin": {
                    "description": "Always '*' on GET: open data, and personal data needs a "
                                   "bearer token, never a cookie.",
                    "schema": {"type": "string", "const": "*"},
                },
                **_private_headers(),
                "Allow": {"description": "The methods this path does take.",
                          "schema": {"type": "string"}},
                "RetryAfter": {"description": "Seconds until the limit lets this caller in.",
                               "schema": {"type": "string", "pattern": "^[0-9]+$"}},
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key", "in": "header", "required": True,
                    "description": "A value you make up for this order (a UUID is ideal) and "
                                   "send again if you retry. The same key with the same body "
                                   "returns the first order (200) and sets nothing more aside; "
                                   "with a different body it is refused (422).",
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                },
                "OrderId": _id_parameter("order_id", "order"),
                "PoolId": _id_parameter("pool_id", "pool"),
                "NeedId": _id_parameter("need_id", "need"),
                "QuoteId": _id_parameter("quote_id", "quote"),
            },
            "responses": {**_common_responses(), **_private_responses()},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A personal access token. Scopes: 'read' (budgets, statements, "
                               "orders) and 'order' (place and act on orders; includes read).",
            }},
        },
    }


def _common_responses() -> dict[str, Any]:
    """What any path can answer, whatever it is for."""
    limit_mib = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
    return {
        "MethodNotAllowed": {
            "description": "This path does not take this method; Allow lists those it does "
                           "(method_not_allowed).",
            "headers": {"Allow": {"$ref": "#/components/headers/Allow"}},
            "content": {"application/json": {"schema": _ref("Error")}},
        },
        "TooManyRequests": {
            "description": "Too many calls from this token (or, without one, this address) in "
                           "a minute; the message and Retry-After say when to try again "
                           "(too_many_requests).",
            "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
            "content": {"application/json": {"schema": _ref("Error")}},
        },
        "TooLarge": {
            "description": f"The body is over {limit_mib} MiB (too_large).",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    }


def _with_common_answers(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation can be refused with 405 (another method) and 429 (the rate limit);
    one that takes a body, with 413 (too large) too."""
    for operations in paths.values():
        for operation in operations.values():
            operation["responses"].setdefault("405", _response_ref("MethodNotAllowed"))
            operation["responses"].setdefault("429", _response_ref("TooManyRequests"))
            if "requestBody" in operation:
                operation["responses"].setdefault("413", _response_ref("TooLarge"))
    return paths


def _private_headers() -> dict[str, Any]:
    return {
        "NoStore": {"description": "Personal data: never cached.",
                    "schema": {"type": "string", "const": "no-store"}},
        "WWWAuthenticate": {"description": "The bearer challenge (RFC 6750), with "
                                           "error=\"invalid_token\" or \"insufficient_scope\".",
                            "schema": {"type": "string", "pattern": "^Bearer realm="}},
        "Location": {"description": "What was made, in the API.",
                     "schema": {"type": "string", "format": "uri"}},
    }


def _private_json(description: str, schema: str, *, get: bool = False,
                  **headers: dict[str, str]) -> dict[str, Any]:
    all_headers = {"Cache-Control": {"$ref": "#/components/headers/NoStore"}, **headers}
    if get:
        all_headers["Access-Control-Allow-Origin"] = {"$ref": "#/components/headers/AllowOrigin"}
    return {"description": description, "headers": all_headers,
            "content": {"application/json": {"schema": _ref(schema)}}}


def _private_responses() -> dict[str, Any]:
    challenge = {"WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"}}
    return {
        "Unauthorised": _private_json(
            "No token, or one that is not valid, revoked, or whose account is closed (codes "
            "unauthorised, invalid_token).", "Error", **challenge),
        "InsufficientScope": _private_json(
            "The token lacks the scope this needs (code insufficient_scope).", "Error",
            **challenge),
    }


def _response_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _private_operation(operation_id: str, summary: str, description: str, scope: str,
                       responses: dict[str, Any], **extra) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "security": [{"bearer": [scope]}],
        **extra,
        "responses": {**responses, "401": _response_ref("Unauthorised"),
                      "403": responses.get("403", _response_ref("InsufficientScope"))},
    }


def _action_operation(action: str) -> dict[str, Any]:
    transition = TRANSITIONS[action]
    starts = ", ".join(transition.from_states)
    error = "Error"
    first, *rest = action.split("_")
    return {"post": _private_operation(
        first + "".join(word.capitalize() for word in rest) + "Order",
        f"{action.replace('_', ' ').capitalize()} an order",
        f"Taken by {TAKEN_BY[transition.taken_by]}, when the order is {starts}; it becomes "
        f"{transition.to_state}. {MONEY_EFFECTS[action]} Everyone concerned is told, and the "
        "order's history records who did it and on whose behalf.",
        "order",
        {
            "200": _private_json("The order after the change.", "Order"),
            "400": _private_json("The body is not a JSON object with an optional 'note' "
                                 "(or it is not JSON, has a lone surrogate or is too deeply "
                                 "nested).", error),
            "403": _private_json("The token lacks the 'order' scope (insufficient_scope, with "
                                 "a WWW-Authenticate header), or you may see the order but "
                                 "this action is not yours to take (forbidden).", error),
            "404": _private_json("No such order, or not one you may see.", error),
            "409": _private_json("The order is not in a state this action can start from, or "
                                 "someone changed it just now (illegal_transition).", error),
        },
        parameters=[{"$ref": "#/components/parameters/OrderId"}],
        requestBody={"required": False, "content": {
            "application/json": {"schema": _ref("ActionRequest")}}},
    )}


def _private_paths() -> dict[str, Any]:
    error = "Error"
    paths: dict[str, Any] = {
        "/me/budgets": {"get": _private_operation(
            "listMyBudgets", "My budgets",
            "Your budgets, with their figures from the ledger; for a supporter, the budgets "
            "of everyone who gave them the 'view' permission (see holder). Empty for other "
            "roles.", "read",
            {"200": _private_json("The budgets.", "BudgetList", get=True)},
        )},
        "/me/statement": {"get": _private_operation(
            "getMyStatement", "A budget's statement",
            "Every movement of money in one budget, newest first, a page at a time.", "read",
            {
                "200": _private_json("One page of the statement.", "StatementPage", get=True),
                "400": _private_json("budget_id is missing, or a parameter is not a whole "
                                     "number in range; the error names it.", error, get=True),
                "404": _private_json("No such budget, or not one you may see.", error,
                                     get=True),
            },
            parameters=[
                {"name": "budget_id", "in": "query", "required": True,
                 "description": "The budget, from GET /me/budgets.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                _query("before", "The cursor: next_before from the previous page.",
                       {"type": "integer", "minimum": 1, "maximum": MAX_CURSOR}),
                _query("page_size", "Rows per page.",
                       {"type": "integer", "minimum": 1, "maximum": MAX_STATEMENT_PAGE,
                        "default": STATEMENT_PAGE_SIZE}),
            ],
        )},
        "/orders": {"post": _private_operation(
            "placeOrder", "Order a service",
            "Orders a service from one of the holder's budgets and sets its cost aside at "
            "once. A managed-account order then waits for the organisation's approval (or is "
            "approved automatically under its limit); a direct-payment order waits for the "
            "card payment on the order's page. A supporter's order is recorded as placed on "
            "the holder's behalf.", "order",
            {
                "201": _private_json("The order was placed.", "Order", Location={
                    "$ref": "#/components/headers/Location"}),
                "200": _private_json("This Idempotency-Key was used before with the same body: "
                                     "the order it placed, unchanged.", "Order"),
                "400": _private_json("The Idempotency-Key header is missing, or the body or "
                                     "one of its fields is not valid (not JSON, a lone "
                                     "surrogate, too deeply nested, an unknown field, a value "
                                     "of the wrong kind or out of range); the error names it.",
                                     error),
                "404": _private_json("No such holder you may buy for, budget of theirs, or "
                                     "active service.", error),
                "409": _private_json("Not enough left in the budget (insufficient_funds); the "
                                     "message says how much is available. Or "
                                     "expected_total_pence was sent and the price, unit or "
                                     "total has changed since (price_changed): the message "
                                     "says what changed, and nothing is set aside. Or the "
                                     "quote_id names a quote that has been answered "
                                     "(already_answered) or has run out (quote_expired).",
                                     error),
                "422": _private_json("The budget's spending rules do not allow this service "
                                     "(not_allowed_by_budget_rules, with the reason), or the "
                                     "Idempotency-Key was used for a different order "
                                     "(idempotency_key_reused).", error),
            },
            parameters=[{"$ref": "#/components/parameters/IdempotencyKey"}],
            requestBody={"required": True, "content": {
                "application/json": {"schema": _ref("OrderRequest")}}},
        )},
        "/orders/{order_id}": {"get": _private_operation(
            "getOrder", "One order",
            "An order you may see: yours or of someone you support ('view'), one for your "
            "provider's services, or one on a managed account your organisation holds.",
            "read",
            {
                "200": _private_json("The order.", "Order", get=True),
                "404": _private_json("No such order, or not one you may see.", error, get=True),
            },
            parameters=[{"$ref": "#/components/parameters/OrderId"}],
        )},
    }
    for action in PERSON_ACTIONS:
        paths[f"/orders/{{order_id}}/{action}"] = _action_operation(action)
    return {**me_paths(), **paths, **pool_paths(), **need_paths(), **review_paths(),
            **enquiry_openapi.enquiry_paths(), **commissioning_openapi.commissioning_paths()}


@blueprint.get("/openapi.json")
def openapi():
    return build_document()
