"""The pools operations of the OpenAPI document (openapi.py adds them to its paths): every
status each view can answer, in the words a client developer needs."""
from __future__ import annotations

from typing import Any


def pool_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _private_json, _private_operation, _ref

    error = "Error"
    pool_id = [{"$ref": "#/components/parameters/PoolId"}]
    invite = {"name": "invite", "in": "query", "required": False,
              "description": "The token from an invite link, to see or join an invite-only "
                             "pool.", "schema": {"type": "string", "maxLength": 100}}
    body_problem = ("The body or one of its fields is not valid (not JSON, a lone surrogate, "
                    "too deeply nested, an unknown field, a value of the wrong kind or out of "
                    "range); the error names it.")
    not_seen = _private_json("No such pool, or not one you may see.", error)
    join_refusals = ("Not enough left in the budget for the share (insufficient_funds), the "
                     "pool is full or someone took that custom share a moment ago "
                     "(pool_full), or it is no longer taking pledges or you are already in it "
                     "(pool_refused).")
    rules = ("The budget's spending rules do not allow this service "
             "(not_allowed_by_budget_rules, with the reason).")

    def group(action: str, words: str) -> dict[str, Any]:
        return {"post": _private_operation(
            f"{action}Pool", f"{words} a funded pool as a whole",
            f"For the provider that sells the pooled service: {words.lower()} every share "
            "order of the pool that is waiting for it, in one step. Declining gives every "
            "member their money back (cards are refunded).", "order",
            {"200": _private_json("The pool after the change.", "Pool"),
             "400": _private_json(body_problem, error),
             "404": _private_json("No such funded pool of your services.", error),
             "409": _private_json("Nothing in the pool is waiting for that (pool_refused), or "
                                  "someone changed a share just now (illegal_transition).",
                                  error)},
            parameters=pool_id, requestBody={"required": False, "content": {
                "application/json": {"schema": _ref("GroupActionRequest")}}})}

    return {
        "/pools": {
            "post": _private_operation(
                "startPool", "Start a pool",
                "Starts a pool for a service its provider said can be pooled, with your own "
                "pledge: your share (at most the target split over min_members) is set aside "
                "at once; nothing is paid unless the whole group goes ahead. The answer's "
                "invite_url is shown this once. For custom shares, send shares_pence (one "
                "amount for each place, adding up to the target) instead of min_members and "
                "max_members, and your own share_pence (one of them; the first if left out). "
                "The pool then goes ahead only when every place is taken, and each member "
                "pays exactly the share they took.", "order",
                {"201": _private_json("The pool was started.", "Pool", Location={
                    "$ref": "#/components/headers/Location"}),
                 "400": _private_json(body_problem + " Or the pool does not make sense (a "
                                      "service that cannot be pooled or is free, the group "
                                      "sizes, the closing date, custom shares that do not "
                                      "add up to the target, a share of 0, more places than "
                                      "50 or than the provider takes, a share_pence not among "
                                      "them); the message says what and `parameter` names "
                                      "the field.", error),
                 "404": _private_json("No such holder you may buy for, budget of theirs, or "
                                      "active service.", error),
                 "409": _private_json("Not enough left in the budget for your share "
                                      "(insufficient_funds).", error),
                 "422": _private_json(rules, error)},
                requestBody={"required": True, "content": {
                    "application/json": {"schema": _ref("PoolRequest")}}}),
            "get": _private_operation(
                "listOpenPools", "Pools you may join",
                "Pools taking pledges that you (or the people you support with 'buy') may "
                "join without an invite: those open to your home local authority (GET /me), "
                "and those also for a kind of support you are interested in. Nearest first: "
                "pools for a service in your postcode district, then the rest of the local "
                "authority, each by closing date. Empty until a home area is given.",
                "read", {"200": _private_json("The pools.", "PoolList", get=True)}),
        },
        "/me/pools": {"get": _private_operation(
            "listMyPools", "My pools",
            "Pools you (or someone you support with 'view') pledged to, newest first.", "read",
            {"200": _private_json("The pools.", "PoolList", get=True)})},
        "/pools/{pool_id}": {"get": _private_operation(
            "getPool", "One pool",
            "A pool you are in or act for, one open to your home area (see GET /pools), or "
            "any pool with its invite token. Members appear by the names they chose.",
            "read",
            {"200": _private_json("The pool.", "Pool", get=True),
             "404": _private_json("No such pool, or not one you may see.", error, get=True)},
            parameters=pool_id + [invite])},
        "/pools/{pool_id}/join": {"post": _private_operation(
            "joinPool", "Pledge a share",
            "Sets the holder's share aside (at most the target split over min_members) and "
            "takes a place. In a custom-share pool, send share_pence: the amount of one of the "
            "open places in `shares`; exactly that is set aside, and it is all the holder can "
            "ever pay. Managed-account pledges over the organisation's limit wait for its "
            "approval; a direct payment's card is saved on the pool's page. The same "
            "Idempotency-Key with the same pledge gives back the pool (200), pledging nothing "
            "more.", "order",
            {"201": _private_json("Pledged.", "Pool"),
             "200": _private_json("This Idempotency-Key pledged before: the pool.", "Pool"),
             "400": _private_json("The Idempotency-Key header is missing, or " + body_problem
                                  + " Or share_pence is missing or not an open share of a "
                                  "custom-share pool, or sent to an equal-share pool "
                                  "(parameter: share_pence).", error),
             "403": _private_json("The token lacks the 'order' scope (insufficient_scope, "
                                  "with a WWW-Authenticate header), or you may see the pool "
                                  "for someone you support but it is not open to the holder "
                                  "named by holder_id (not_open_to_holder).", error),
             "404": not_seen,
             "409": _private_json(join_refusals, error),
             "422": _private_json(rules + " Or the Idempotency-Key was used for a different "
                                  "pledge (idempotency_key_reused).", error)},
            parameters=pool_id + [invite, {"$ref": "#/components/parameters/IdempotencyKey"}],
            requestBody={"required": True, "content": {
                "application/json": {"schema": _ref("PledgeRequest")}}})},
        "/pools/{pool_id}/leave": {"post": _private_operation(
            "leavePool", "Give a pledge back",
            "Leave before the pool is funded: every penny set aside goes back at once.",
            "order",
            {"200": _private_json("The pool after you left.", "Pool"),
             "400": _private_json(body_problem + " Or you act for more than one member: send "
                                  "member_id.", error),
             "404": _private_json("No such pool you may see, or no share of yours in it.",
                                  error),
             "409": _private_json("The pool is no longer taking pledges, so shares stay "
                                  "(pool_refused).", error)},
            parameters=pool_id, requestBody={"required": False, "content": {
                "application/json": {"schema": _ref("LeaveRequest")}}})},
        "/pools/{pool_id}/accept": group("accept", "Accept"),
        "/pools/{pool_id}/decline": group("decline", "Decline"),
    }
