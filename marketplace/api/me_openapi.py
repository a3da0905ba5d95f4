"""The /me operation of the OpenAPI document (openapi.py adds it to its paths): who you are,
and a budget holder's home area and interests, which decide the open pools they may join."""
from __future__ import annotations

from typing import Any


def me_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _private_json, _private_operation, _ref

    error = "Error"
    return {"/me": {
        "get": _private_operation(
            "getMe", "Who you are, and your area",
            "Your name and role; for a budget holder, the home area and the kinds of support "
            "they are interested in. Pools open to an area are open to the holders whose "
            "local authority it is (and, for some, only to those interested in the pool's "
            "category); GET /pools lists them nearest first.", "read",
            {"200": _private_json("You.", "Me", get=True)}),
        "patch": _private_operation(
            "changeMe", "Change your area and interests",
            "For budget holders: set or clear the home local authority, the postcode district "
            "inside it and the kinds of support you are interested in. Only the fields sent "
            "change; null clears one. A district must be inside the local authority (the "
            "one sent, or the one already set).", "order",
            {"200": _private_json("You, after the change.", "Me"),
             "400": _private_json("The body or one of its fields is not valid (not JSON, an "
                                  "unknown field, a local authority or category not listed, "
                                  "a district that is not a postcode district or is outside "
                                  "the local authority); the error names it.", error),
             "403": _private_json("The token lacks the 'order' scope (insufficient_scope, "
                                  "with a WWW-Authenticate header), or you are not a budget "
                                  "holder (forbidden): a supporter's pools follow the areas "
                                  "of the people they support.", error)},
            requestBody={"required": True, "content": {
                "application/json": {"schema": _ref("MeRequest")}}}),
    }}
