"""The commissioners' figures and the market position statements in the OpenAPI document
(openapi.py adds these paths and shapes): every status each view of api/commissioning.py can
answer."""
from __future__ import annotations

from typing import Any

from marketplace import vocabulary
from marketplace.api import commissioning

RESPONSE_MODELS = commissioning.RESPONSE_MODELS
REQUEST_MODELS: list = []

WHAT = {
    "market": ("getMarketMap", "The market map",
               "Supply against live demand by kind of support and local authority, biggest "
               "gaps first (docs/market-view.md)."),
    "spend": ("getSpend", "Spend",
              "What budgets paid providers, by kind of support, area, month, funding stream "
              "and route, the share reaching user-led organisations and micro-providers, the "
              "direct-payment share of people with budgets, and pools (docs/spend-view.md)."),
    "equality": ("getEqualityAndAccess", "Equality and access",
                 "Languages, evening and weekend support, and rural against urban postcode "
                 "districts: what people asked for against what is offered."),
    "quality": ("getOutcomesAndQuality", "Outcomes and quality",
                "Published reviews by kind of support: how many, how many said it helped, "
                "the share, and the average stars where 8 or more reviews stand behind it "
                "(docs/quality-view.md)."),
}


def commissioning_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _id_parameter, _json, _private_json, _private_operation

    error = "Error"
    day = {"type": "string", "format": "date"}
    parameters = [
        {"name": "start", "in": "query", "required": False, "schema": day,
         "description": "The first London day of the period (YYYY-MM-DD). Left out: 90 days "
                        "before `end`."},
        {"name": "end", "in": "query", "required": False, "schema": day,
         "description": "The last London day of the period, not in the future. Left out: "
                        "today."},
        {"name": "area", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "A Greater Manchester local authority (such as salford) or postcode "
                        "district (such as M6). Left out: the whole region."},
        {"name": "category", "in": "query", "required": False,
         "schema": {"type": "string", "enum": vocabulary.values(vocabulary.CATEGORIES)},
         "description": "A kind of support. Left out: every kind."},
    ]
    paths: dict[str, Any] = {}
    for view, (operation_id, summary, description) in WHAT.items():
        paths[f"/commissioning/{view}"] = {"get": _private_operation(
            operation_id, summary,
            description + " Every figure passes through disclosure control "
            "(docs/disclosure.md): counts from 1 to 7 read \"fewer than 8\", others are "
            "rounded to the nearest 5, money to the nearest £100.", "read",
            {"200": _private_json("The figures, as the view's CSV download holds them.",
                                  "CommissioningTable", get=True),
             "400": _private_json("A filter is not valid (a date that is not one, a 'to' date "
                                  "before the 'from' date or in the future, an area outside "
                                  "Greater Manchester, an unknown filter); the error names "
                                  "it.", error),
             "403": _private_json("The token lacks the 'read' scope (insufficient_scope), or "
                                  "you are not a commissioner (forbidden).", error)},
            parameters=parameters)}
    paths["/market-position-statements"] = {"get": {
        "operationId": "listMarketPositionStatements",
        "summary": "The council's published market position statements",
        "responses": {"200": _json("Every published statement, newest period first.",
                                   "StatementList")}}}
    paths["/market-position-statements/{statement_id}"] = {"get": {
        "operationId": "getMarketPositionStatement",
        "summary": "One published market position statement",
        "parameters": [_id_parameter("statement_id", "statement")],
        "responses": {"200": _json("The statement.", "MarketPositionStatement"),
                      "404": _json("No such published statement.", error)}}}
    return paths
