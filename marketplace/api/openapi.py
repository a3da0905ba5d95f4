"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API.

Built in Python from marketplace.vocabulary and marketplace.areas at request time, so the
allowed values it lists are always the ones the API accepts. Every object schema is closed
(additionalProperties: false) and lists every field as required, so the tests that validate
real responses against it catch any drift between the serialisers and this document.
"""
from __future__ import annotations

from typing import Any

from flask import url_for

from marketplace import areas, vocabulary
from marketplace.api import blueprint
# The token endpoints' limits come from their modules, so this document always states what the
# code accepts (importing them also registers their routes on the blueprint).
from marketplace.api.me import MAX_CURSOR, MAX_STATEMENT_PAGE
from marketplace.ids import MAX_ID
from marketplace.api.orders import MAX_KEY_LENGTH, MAX_NOTE_LENGTH, MAX_NOTE_LENGTH_ACTION
from marketplace.budgets.models import ROUTES, STREAM_KINDS
from marketplace.budgets.statements import PAGE_SIZE as STATEMENT_PAGE_SIZE
from marketplace.orders.models import ORDER_STATES
from marketplace.orders.services import MAX_QUANTITY
from marketplace.orders.states import PERSON_ACTIONS, STATE_LABELS, TRANSITIONS
from marketplace.search.params import MAX_PAGE, MAX_QUERY_LENGTH

BOOLEAN_FILTERS: list[tuple[str, str]] = [
    ("ulo", "Only services from user-led organisations (run by the people who use them)."),
    ("micro", "Only services from micro-providers (fewer than "
              f"{vocabulary.MICRO_PROVIDER_STAFF_LIMIT} staff)."),
    ("evenings", "Only services that run in the evening."),
    ("weekends", "Only services that run at weekends."),
    ("poolable", "Only group services that people can pool their budgets to buy."),
]
FACET_NAMES = ["category", "area", "mode", "language", "provider_type", "max_price",
               "min_rating", "ulo", "micro", "evenings", "weekends", "poolable"]
SEARCH_PARAMETER_NAMES = ["q", "category", "area", "mode", "language", "max_price",
                          "min_rating", "provider_type", *[name for name, _ in BOOLEAN_FILTERS],
                          "sort", "page"]
#: Besides the listed values, any postcode district or full postcode, in any case.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?(\s*[0-9][A-Za-z]{2})?\s*$"
#: The values a yes/no filter accepts (case does not matter); anything else is a 400.
FLAG_VALUES = ["true", "false", "1", "0", "on", "off", "yes", "no"]
POUNDS_PATTERN = r"^\s*£?\s*[0-9]{1,7}(\.[0-9]{1,2})?\s*$"
#: Everything besides search parameters that an error can name: query parameters, the
#: Idempotency-Key header, the request body as a whole, and order fields.
PRIVATE_PARAMETER_NAMES = ["budget_id", "before", "page_size", "Idempotency-Key", "body",
                           "holder_id", "service_id", "quantity", "starts_on", "ends_on",
                           "note_to_provider", "outcome_id", "note"]
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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _closed(properties: dict[str, Any], description: str = "",
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _choice_of(choices: list[tuple[str, str]], what: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"{what}: a stable value and its plain-English label.",
        "additionalProperties": False,
        "required": ["value", "label"],
        "properties": {
            "value": {"type": "string", "enum": vocabulary.values(choices)},
            "label": {"type": "string"},
        },
    }


def _area_values() -> list[str]:
    slugs = [slug for slug, _ in areas.authority_choices()]
    return slugs + sorted(areas.DISTRICT_TO_AUTHORITY)


def _string(description: str, **extra) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _nullable(kind: str, description: str) -> dict[str, Any]:
    return {"type": [kind, "null"], "description": description}


def _schemas() -> dict[str, Any]:
    service_properties = {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "summary": _string("The start of the description, plain text."),
        "url": _string("The service's page on Pathways.", format="uri"),
        "api_url": _string("This service in the API.", format="uri"),
        "category": _ref("Category"),
        "price_pence": {"type": "integer", "minimum": 0,
                        "description": "Price in pence (GBP) per price_unit."},
        "price_unit": _ref("PriceUnit"),
        "price_display": _string("The price as people read it.", examples=["£15.00 per session"]),
        "areas": {"type": "array", "items": _ref("Area"),
                  "description": "Local authorities and postcode districts served."},
        "delivery_modes": {"type": "array", "items": _ref("DeliveryMode")},
        "languages": {"type": "array", "items": _ref("Language")},
        "evenings": {"type": "boolean"},
        "weekends": {"type": "boolean"},
        "poolable": {"type": "boolean",
                     "description": "People can club their budgets together to buy it."},
        "rating_centi": {"type": ["integer", "null"], "minimum": 0, "maximum": 500,
                         "description": "Average rating times 100 (0 to 500); null until rated."},
        "review_count": {"type": "integer", "minimum": 0},
        "rating_display": _string("The rating as people read it, or 'Not yet rated'."),
        "badges": {"type": "array", "items": _ref("Badge")},
        "provider": _ref("ProviderSummary"),
    }
    detail_properties = {
        **service_properties,
        "description": {"type": "string"},
        "secondary_categories": {"type": "array", "items": _ref("Category")},
        "tags": {"type": "array", "items": {"type": "string"}},
        "specialisms": {"type": "array", "items": _ref("Specialism")},
        "accessibility": {"type": "string"},
        "schedule": _string("When it runs, in the provider's words."),
        "is_group": {"type": "boolean"},
        "capacity": {"type": ["integer", "null"], "minimum": 1,
                     "description": "Places per group session; null for one-to-one services."},
        "updated_at": _string("When the listing last changed: UTC with an explicit offset.",
                              format="date-time"),
    }
    provider_summary = {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "provider_type": _ref("ProviderType"),
        "is_user_led": {"type": "boolean", "description": "A user-led organisation (ULO)."},
        "is_micro": {"type": "boolean", "description": "A micro-provider (fewer than "
                     f"{vocabulary.MICRO_PROVIDER_STAFF_LIMIT} staff)."},
        "url": _string("The provider's page on Pathways.", format="uri"),
        "api_url": _string("This provider in the API.", format="uri"),
    }
    provider_detail = {
        **provider_summary,
        "description": {"type": "string"},
        "user_led_statement": _string("How people who use the services control the board."),
        "staff_count": {"type": "integer", "minimum": 0},
        "dbs_checked_on": _nullable("string", "Date of the latest DBS check (YYYY-MM-DD)."),
        "has_insurance": {"type": "boolean"},
        "insurance_details": {"type": "string"},
        "insurance_expires_on": _nullable("string", "YYYY-MM-DD"),
        "cqc_registration_number": _string("Care Quality Commission number, if regulated."),
        "contact": _closed({name: {"type": "string"}
                            for name in ("name", "email", "phone", "website")}),
        "local_authority": {"oneOf": [_ref("Area"), {"type": "null"}],
                            "description": "Where the provider is based."},
        "postcode_district": _nullable("string", "Postcode district it is based in."),
        "services": {"type": "array", "items": _ref("ServiceSummary"),
                     "description": "Its active services."},
    }
    return {
        "Category": _choice_of(vocabulary.CATEGORIES, "A category of support"),
        "ProviderType": _choice_of(vocabulary.PROVIDER_TYPES, "A kind of provider"),
        "DeliveryMode": _choice_of(vocabulary.DELIVERY_MODES, "How it is delivered"),
        "Language": _choice_of(vocabulary.LANGUAGES, "A language it is offered in"),
        "Specialism": _choice_of(vocabulary.SPECIALISMS, "Who it is especially for"),
        "PriceUnit": _choice_of(vocabulary.PRICE_UNITS, "What the price pays for"),
        "Area": _closed({"value": {"type": "string", "enum": _area_values()},
                         "label": {"type": "string"}},
                        "A local authority (slug) or postcode district, with its name."),
        "Badge": _closed({"code": {"type": "string", "enum": ["ulo", "micro", "pool"]},
                          "label": {"type": "string"}}),
        "ProviderSummary": _closed(provider_summary),
        "ProviderDetail": _closed(provider_detail),
        "ServiceSummary": _closed(service_properties, "A service as it appears in a list."),
        "ServiceDetail": _closed(detail_properties, "Everything public about one service."),
        "FacetValue": _closed({
            "value": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0,
                      "description": "How many results have this value."},
            "selected": {"type": "boolean", "description": "This value is in the query."},
        }),
        "SearchResults": _closed({
            "results": {"type": "array", "items": _ref("ServiceSummary")},
            "total": {"type": "integer", "minimum": 0, "description": "Results on all pages."},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "facets": _closed({name: {"type": "array", "items": _ref("FacetValue")}
                               for name in FACET_NAMES},
                              "Counts per filter value; booleans have the single value 'true'."),
            "suggestion": _nullable("string", "A corrected query to offer ('did you mean')."),
        }),
        "Error": _closed({
            "error": _closed({
                "code": _string("A stable machine-readable code.", pattern="^[a-z_]+$",
                                examples=["invalid_parameter", "not_found"]),
                "message": _string("What went wrong, in plain English."),
                "parameter": _string(
                    "The query parameter, header (Idempotency-Key), request body field, or "
                    "'body' for the request body as a whole, that was wrong, when one was.",
                    enum=SEARCH_PARAMETER_NAMES + PRIVATE_PARAMETER_NAMES),
            }, optional=("parameter",)),
        }, "Every error response has this body."),
        **_private_schemas(),
    }


def _money(name: str, description: str) -> dict[str, Any]:
    return {
        f"{name}_pence": {"type": "integer", "description": f"{description}, in pence (GBP)."},
        f"{name}_display": _string(f"{description}, as people read it.", examples=["£12.50"]),
    }


def _date(description: str, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "format": "date",
            "description": description}


def _moment(description: str, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "format": "date-time",
            "description": f"{description}: a UTC time with an explicit offset, "
                           "for example 2026-03-31T23:30:00+00:00."}


def _private_schemas() -> dict[str, Any]:
    """The budget and order shapes behind a personal access token."""
    person = _closed({"id": {"type": "integer"}, "display_name": {"type": "string"}})
    budget = {
        "id": {"type": "integer"},
        "holder": _ref("Person"),
        "funding_stream": _closed({"id": {"type": "integer"}, "name": {"type": "string"},
                                   "kind": _ref("FundingStreamKind")}),
        "route": _ref("Route"),
        "route_display": _string("How the money is held, e.g. 'Managed account held by ...'."),
        "managed_by": {"oneOf": [_closed({"id": {"type": "integer"},
                                          "name": {"type": "string"}}), {"type": "null"}],
                       "description": "The organisation holding a managed account."},
        "period_start": _date("The first day of the budget's period."),
        "period_end": _date("The last day of the budget's period."),
        **_money("planned", "This route's share of the allocation for the whole period"),
        **_money("allocated", "Money paid into the budget so far"),
        **_money("spent", "Money paid to providers (less refunds)"),
        **_money("committed", "Money set aside for orders not yet paid"),
        **_money("available", "Money free to spend now"),
        "next_instalment": {"oneOf": [_closed({
            "due_on": _date("When it is paid in."),
            **_money("amount", "How much"),
        }), {"type": "null"}], "description": "Null when no more instalments are due."},
        "cannot_buy": {"type": "array", "description": "The funding stream's spending rules.",
                       "items": _closed({"category": _ref("Category"), "reason": _string(
                           "Finishes the sentence 'This budget can't be used for this "
                           "because ...'.")})},
        "statement_url": _string("This budget's statement in the API.", format="uri"),
    }
    statement_row = {
        "transaction_id": {"type": "integer"},
        "happened_at": _moment("When the money moved"),
        "description": {"type": "string"},
        **_money("money_in", "Money added to what is available"),
        **_money("money_out", "Money taken from what is available"),
        **_money("set_aside_change", "Change in money set aside for orders (negative: released "
                                     "or spent)"),
        **_money("available_after", "Money available just after this movement"),
        "done_by": _string("Who did it: 'by Sam Patel', 'by Jo on behalf of Sam Patel' or "
                           "'automatically by Pathways'."),
    }
    event = {
        "from_state": {"oneOf": [_ref("OrderState"), {"type": "null"}],
                       "description": "Null for the event that placed the order."},
        "to_state": _ref("OrderState"),
        "happened_at": _moment("When it happened"),
        "actor": {"oneOf": [_ref("Person"), {"type": "null"}],
                  "description": "Who did it; null when Pathways did it automatically."},
        "on_behalf_of": {"oneOf": [_ref("Person"), {"type": "null"}],
                         "description": "The budget holder, when a supporter acted for them."},
        "done_by": _string("Who did it, as people read it."),
        "note": {"type": "string"},
    }
    order = {
        "id": {"type": "integer"},
        "url": _string("The order's page on Pathways.", format="uri"),
        "api_url": _string("This order in the API.", format="uri"),
        "state": _ref("OrderState"),
        "route": _ref("Route"),
        "holder": _ref("Person"),
        "placed_by": _ref("Person"),
        "budget_id": {"type": "integer"},
        "service": _closed({"id": {"type": "integer"}, "title": _string(
            "The title when ordered."), "api_url": {"type": "string", "format": "uri"}}),
        "provider": _closed({"id": {"type": "integer"}, "name": {"type": "string"}}),
        "quantity": {"type": "integer", "minimum": 1},
        "price_unit": _ref("PriceUnit"),
        **_money("unit_price", "The price per unit when ordered"),
        **_money("total", "quantity times unit price: the money set aside"),
        "starts_on": _date("When the support starts, if said.", nullable=True),
        "ends_on": _date("When the support ends, if said.", nullable=True),
        "note_to_provider": {"type": "string"},
        "outcome": {"oneOf": [_closed({"id": {"type": "integer"}, "text": {"type": "string"}}),
                              {"type": "null"}],
                    "description": "The support-plan outcome it serves; shown only to the "
                                   "holder and their supporters, otherwise null."},
        "created_at": _moment("When it was placed"),
        "updated_at": _moment("When it last changed"),
        "delivered_at": _moment("When the provider marked it delivered", nullable=True),
        "auto_confirm_at": _moment("When a delivered order confirms itself", nullable=True),
        "allowed_actions": {"type": "array", "items": _ref("OrderAction"),
                            "description": "What you may do to it now."},
        "events": {"type": "array", "items": _ref("OrderEvent"),
                   "description": "Every change, oldest first."},
    }
    integer_id = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {
        "Person": person,
        "FundingStreamKind": _choice_of(STREAM_KINDS, "A kind of funding"),
        "Route": _choice_of(ROUTES, "How a budget is held"),
        "OrderState": _closed({
            "value": {"type": "string", "enum": list(ORDER_STATES)},
            "label": {"type": "string"},
        }, "Where an order is: " + "; ".join(
            f"{value}: {STATE_LABELS[value]}" for value in ORDER_STATES) + "."),
        "OrderAction": {"type": "string", "enum": list(PERSON_ACTIONS)},
        "Budget": _closed(budget, "One budget with its figures from the ledger."),
        "BudgetList": _closed({"budgets": {"type": "array", "items": _ref("Budget")}}),
        "StatementRow": _closed(statement_row, "One movement of money, newest first."),
        "StatementPage": _closed({
            "budget_id": {"type": "integer"},
            "rows": {"type": "array", "items": _ref("StatementRow")},
            "next_before": {"type": ["integer", "null"], "description":
                            "Pass as 'before' for the next, older, page; null on the last."},
            "next_url": {"type": ["string", "null"], "format": "uri",
                         "description": "The next page in the API; null on the last."},
        }),
        "OrderEvent": _closed(event, "A change to an order, with who made it."),
        "Order": _closed(order),
        "OrderRequest": _closed({
            "holder_id": integer_id | {"description": "Whose budget pays. Needed unless you "
                                       "are the budget holder; a supporter needs their 'buy' "
                                       "permission."},
            "budget_id": integer_id | {"description": "One of the holder's budgets."},
            "service_id": integer_id | {"description": "An active service."},
            "quantity": {"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY,
                         "description": "How many of the service's price units."},
            "starts_on": _date("When the support should start (optional).", nullable=True),
            "ends_on": _date("When it should end, on or after starts_on (optional).",
                             nullable=True),
            "note_to_provider": {"type": ["string", "null"], "maxLength": MAX_NOTE_LENGTH},
            "outcome_id": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID,
                           "description":
                           "An outcome in the holder's support plan that this serves."},
        }, "An order to place.", optional=("holder_id", "starts_on", "ends_on",
                                            "note_to_provider", "outcome_id")),
        "ActionRequest": _closed({"note": {"type": ["string", "null"],
                                           "maxLength": MAX_NOTE_LENGTH_ACTION,
                                           "description": "Why, shown in the order's history."}},
                                 "Optional detail for an action.", optional=("note",)),
    }


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def _search_parameters() -> list[dict[str, Any]]:
    parameters = [
        _query("q", "Words to search for. Plain language works: 'PA', 'lonely', 'gym'.",
               {"type": "string", "maxLength": MAX_QUERY_LENGTH}),
        _query("category", "Only this category.",
               {"type": "string", "enum": vocabulary.values(vocabulary.CATEGORIES)}),
        _query("area", "A Greater Manchester local authority (slug) or postcode district; "
                       "case does not matter, and a full postcode is cut to its district.",
               {"type": "string",
                "anyOf": [{"enum": _area_values()}, {"pattern": POSTCODE_PATTERN}]}),
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
            "version": "1.1.0",
            "description": (
                "Search and read the support services listed on Pathways, a marketplace for "
                "people with a personal budget: open data, no key needed. With a personal "
                "access token (made on your account's API tokens page, /account/tokens) read "
                "your budgets and statements and place and act on orders: send it as "
                "'Authorization: Bearer <token>'; session cookies are not accepted there. "
                "Money is integer pence (GBP) in fields named *_pence, each beside a display "
                "string. Times (format date-time) are UTC with an explicit offset, like "
                "2026-03-31T23:30:00+00:00; dates (format date) are days in the UK "
                "(Europe/London). Errors are JSON with a 4xx status: see the Error schema."
            ),
        },
        "servers": [{"url": url_for("api.openapi").removesuffix("/openapi.json")}],
        "paths": {
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
        },
        "components": {
            "schemas": _schemas(),
            "headers": {
                "AllowOrigin": {
                    "description": "Always '*' on GET: open data, and personal data needs a "
                                   "bearer token, never a cookie.",
                    "schema": {"type": "string", "const": "*"},
                },
                **_private_headers(),
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
            },
            "responses": _private_responses(),
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A personal access token. Scopes: 'read' (budgets, statements, "
                               "orders) and 'order' (place and act on orders; includes read).",
            }},
        },
    }


def _private_headers() -> dict[str, Any]:
    return {
        "NoStore": {"description": "Personal data: never cached.",
                    "schema": {"type": "string", "const": "no-store"}},
        "WWWAuthenticate": {"description": "The bearer challenge (RFC 6750), with "
                                           "error=\"invalid_token\" or \"insufficient_scope\".",
                            "schema": {"type": "string", "pattern": "^Bearer realm="}},
        "Location": {"description": "The new order in the API.",
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
            "400": _private_json("The body is not a JSON object with an optional 'note'.",
                                 error),
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
                                     "one of its fields is not valid; the error names it.",
                                     error),
                "404": _private_json("No such holder you may buy for, budget of theirs, or "
                                     "active service.", error),
                "409": _private_json("Not enough left in the budget (insufficient_funds); the "
                                     "message says how much is available.", error),
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
    return paths


@blueprint.get("/openapi.json")
def openapi():
    return build_document()
