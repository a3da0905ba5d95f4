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
        "updated_at": _string("When the listing last changed (UTC).", format="date-time"),
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
                "parameter": _string("The query parameter that was wrong, when one was.",
                                     enum=SEARCH_PARAMETER_NAMES),
            }, optional=("parameter",)),
        }, "Every error response has this body."),
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
            "title": "Pathways open data API",
            "version": "1.0.0",
            "description": (
                "Search and read the support services listed on Pathways, a marketplace for "
                "people with a personal budget. Read-only, no key needed. Money is integer "
                "pence (GBP) in fields named *_pence, each beside a display string. Errors "
                "are JSON with a 4xx status: see the Error schema."
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
        },
        "components": {
            "schemas": _schemas(),
            "headers": {"AllowOrigin": {
                "description": "Always '*': this is open data.",
                "schema": {"type": "string", "const": "*"},
            }},
        },
    }


@blueprint.get("/openapi.json")
def openapi():
    return build_document()
