"""The needs board operations of the OpenAPI document (openapi.py adds them to its paths):
every status each view of api/needs.py can answer, in the words a client developer needs."""
from __future__ import annotations

from typing import Any


def need_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _private_json, _private_operation, _ref
    from marketplace.api.orders import MAX_KEY_LENGTH

    error = "Error"
    need_id = [{"$ref": "#/components/parameters/NeedId"}]
    quote_id = need_id + [{"$ref": "#/components/parameters/QuoteId"}]
    body_problem = ("The body or one of its fields is not valid (not JSON, a lone surrogate, "
                    "too deeply nested, an unknown field, a value of the wrong kind or out of "
                    "range); the error names it.")
    not_seen = _private_json("No such need, or not one you may see.", error)
    holders_only = _private_json(
        "The token lacks the 'order' scope (insufficient_scope), or you may see the need but "
        "only its holder, or a supporter with their 'buy' permission, may do this "
        "(forbidden).", error)
    providers_only = _private_json(
        "The token lacks the 'order' scope (insufficient_scope), or you may see the need but "
        "only providers quote (forbidden).", error)

    def _either(description: str, schemas: list[str], *, get: bool = False,
                **headers: dict[str, str]) -> dict[str, Any]:
        answer = _private_json(description, schemas[0], get=get, **headers)
        answer["content"]["application/json"]["schema"] = {
            "oneOf": [_ref(schema) for schema in schemas]}
        return answer

    def holder_action(operation_id: str, summary: str, description: str,
                      conflict: str) -> dict[str, Any]:
        return {"post": _private_operation(
            operation_id, summary, description, "order",
            {"200": _private_json("The need after the change.", "Need"),
             "403": holders_only, "404": not_seen,
             "409": _private_json(conflict, error)},
            parameters=need_id)}

    return {
        "/needs": {"post": _private_operation(
            "postNeed", "Post a need",
            "Posts what a budget holder needs, in their words. Providers whose active "
            "services cover its category and area see it, without the holder's name, and may "
            "quote. With peers_consent, holders near them who need the same (and agreed too) "
            "are told, never who.", "order",
            {"201": _private_json("The need was posted.", "Need", Location={
                "$ref": "#/components/headers/Location"}),
             "400": _private_json(body_problem + " Or the need does not make sense (a district "
                                  "outside the local authority, the least above the most); "
                                  "the error names the field.", error),
             "403": _private_json("The token lacks the 'order' scope (insufficient_scope), or "
                                  "you are not a budget holder or supporter (forbidden).",
                                  error),
             "404": _private_json("No such holder you may buy for.", error)},
            requestBody={"required": True, "content": {
                "application/json": {"schema": _ref("NeedRequest")}}})},
        "/needs/{need_id}": {"get": _private_operation(
            "getNeed", "One need",
            "For its holder and supporters with 'view': the need with every quote (Need). For "
            "a provider whose services cover it while it is open, or that quoted for it: the "
            "need without anything of the holder's, with its own quote (ProviderNeed).",
            "read",
            {"200": _either("The need, as you may see it.", ["Need", "ProviderNeed"], get=True),
             "404": _private_json("No such need, or not one you may see.", error, get=True)},
            parameters=need_id)},
        "/me/needs": {"get": _private_operation(
            "listMyNeeds", "My needs",
            "Your needs, and those of everyone who gave you 'view', newest first.", "read",
            {"200": _private_json("The needs.", "NeedList", get=True),
             "403": _private_json("The token lacks the 'read' scope (insufficient_scope), or "
                                  "you are not a budget holder or supporter (forbidden).",
                                  error, get=True)})},
        "/provider/needs": {"get": _private_operation(
            "listProviderNeeds", "Needs near you to quote for",
            "Open needs your active services cover (category and area), newest first, "
            "without anything of the holders'.", "read",
            {"200": _private_json("The needs.", "ProviderNeedList", get=True),
             "403": _private_json("The token lacks the 'read' scope (insufficient_scope), or "
                                  "you are not a provider (forbidden).", error, get=True)})},
        "/needs/{need_id}/quotes": {"post": _private_operation(
            "quoteForNeed", "Quote, or change your quote",
            "For a provider whose active services cover this open need: sends the holder a "
            "quote, or changes the one you gave while it waits for an answer. One quote per "
            "provider per need.", "order",
            {"201": _private_json("The quote was sent.", "Quote", Location={
                "$ref": "#/components/headers/Location"}),
             "200": _private_json("Your quote was changed.", "Quote", Location={
                 "$ref": "#/components/headers/Location"}),
             "400": _private_json(body_problem + " Or the quote does not make sense (a service "
                                  "of yours that does not cover the need, the dates); the "
                                  "error names the field.", error),
             "403": providers_only,
             "404": _private_json("No such open need your services cover.", error),
             "409": _private_json("Your quote has been answered, so it cannot change "
                                  "(quote_refused).", error)},
            parameters=need_id, requestBody={"required": True, "content": {
                "application/json": {"schema": _ref("QuoteRequest")}}})},
        "/needs/{need_id}/quotes/{quote_id}/withdraw": {"post": _private_operation(
            "withdrawQuote", "Withdraw your quote",
            "While the holder has not answered it. You may quote again afterwards.", "order",
            {"200": _private_json("The quote, withdrawn.", "Quote"),
             "403": providers_only,
             "404": _private_json("No such open need your services cover, or that quote is "
                                  "not your quote for it.", error),
             "409": _private_json("The quote has been answered (quote_refused).", error)},
            parameters=quote_id)},
        "/needs/{need_id}/quotes/{quote_id}/accept": {"post": _private_operation(
            "acceptQuote", "Accept a quote",
            "For a need to be pooled (would_pool), send QuotePoolRequest: it starts a pool at "
            "the quote's price and sessions with the holder's own pledge set aside, as POST "
            "/pools does, and answers with the pool (its invite_url shown this once). For a "
            "need not to be pooled, send QuoteOrderRequest and an Idempotency-Key: it orders "
            "the quote at its price, unit and sessions from the holder's budget, as POST "
            "/orders with quote_id does, and answers with the order; the same key with the "
            "same body gives back that order (200). Either way the quote is accepted in the "
            "same step, and the other quotes wait for decline-others.", "order",
            {"201": _either("The quote was accepted: the pool started (Pool) or the order "
                            "placed (Order).", ["Pool", "Order"],
                            Location={"$ref": "#/components/headers/Location"}),
             "200": _private_json("This Idempotency-Key ordered the quote before: the order, "
                                  "unchanged.", "Order"),
             "400": _private_json(
                 "An order's Idempotency-Key header is missing, or " + body_problem + " Or "
                 "the pool or order does not make sense (the group sizes, the closing date, "
                 "the dates); the message says what.", error),
             "403": holders_only,
             "404": _private_json("No such need you may see, quote for it, or budget of the "
                                  "holder's.", error),
             "409": _private_json(
                 "The quote ran out (quote_expired), it has been answered already "
                 "(already_answered, parameter quote_id), or not enough is left in the budget "
                 "(insufficient_funds).", error),
             "422": _private_json("The budget's spending rules do not allow this service "
                                  "(not_allowed_by_budget_rules, with the reason), or the "
                                  "Idempotency-Key was used for a different order "
                                  "(idempotency_key_reused).", error)},
            parameters=quote_id + [{
                "name": "Idempotency-Key", "in": "header", "required": False,
                "description": "Needed to order a quote (a need not to be pooled): a value "
                               "you make up (a UUID is ideal) and send again if you retry.",
                "schema": {"type": "string", "minLength": 1,
                           "maxLength": MAX_KEY_LENGTH}}],
            requestBody={"required": True, "content": {"application/json": {"schema": {
                "oneOf": [_ref("QuotePoolRequest"), _ref("QuoteOrderRequest")]}}}})},
        "/needs/{need_id}/decline-others": holder_action(
            "declineOtherQuotes", "Decline every quote waiting",
            "In one step, every quote not accepted is declined; each provider gets a short, "
            "kind note thanking them, and no reason is asked for.",
            "No quote is waiting for an answer (need_refused)."),
        "/needs/{need_id}/close": holder_action(
            "closeNeed", "Close a need",
            "Providers stop seeing it; every quote still waiting is declined kindly.",
            "The need is no longer open (need_refused)."),
    }
