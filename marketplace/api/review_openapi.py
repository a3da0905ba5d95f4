"""The reviews operations of the OpenAPI document (openapi.py adds them to its paths): every
status each view of api/reviews.py can answer, in the words a client developer needs."""
from __future__ import annotations

from typing import Any


def review_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _id_parameter, _json, _private_json, _private_operation, _ref
    from marketplace.api.review_models import MAX_PAGE, PAGE_SIZE

    error = "Error"
    order_id = [{"$ref": "#/components/parameters/OrderId"}]
    review_id = [_id_parameter("review_id", "review")]
    body_problem = ("The body or one of its fields is not valid (not JSON, an unknown field, a "
                    "value of the wrong kind), or an answer is outside the rules: stars from 1 "
                    "to 5, helped yes/partly/no, text needed and not too long; the error names "
                    "the field.")
    not_yours = _private_json("No such order, or not one of yours that is confirmed and so "
                              "open to review.", error)

    def body(schema: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}

    reply_body = body("ReplyRequest")
    providers_only = _private_json("The token lacks the 'order' scope (insufficient_scope), or "
                                   "you are not a provider (forbidden).", error)
    not_theirs = _private_json("No such review of your services that shows (or waits the short "
                               "hold for 1 or 2 stars).", error)
    return {
        "/services/{service_id}/reviews": {"get": {
            "operationId": "listServiceReviews",
            "summary": "A service's published reviews",
            "description": "Published reviews only, newest first, each with the provider's "
                           "published reply; open data, no key needed. Every review is a "
                           f"verified purchase. {PAGE_SIZE} to a page.",
            "parameters": [
                _id_parameter("service_id", "service"),
                {"name": "page", "in": "query", "required": False,
                 "description": f"Page of reviews, from 1 to {MAX_PAGE}.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                            "default": 1}},
            ],
            "responses": {
                "200": _json("A page of reviews.", "ServiceReviewPage"),
                "400": _json("page is not a whole number in range.", error),
                "404": _json("No such service, or it is paused.", error),
            },
        }},
        "/orders/{order_id}/review": {
            "get": _private_operation(
                "getMyReview", "Your review of an order",
                "The review of a confirmed order you (or the holder you support with 'plan') "
                "bought, with its state and any moderator's reason.", "read",
                {"200": _private_json("The review.", "MyReview", get=True),
                 "404": _private_json("No such order of yours, or no review of it yet.", error,
                                      get=True)},
                parameters=order_id),
            "post": _private_operation(
                "writeReview", "Review an order",
                "One review per confirmed order, by its holder or a supporter with 'plan'. It "
                "is checked at once: anything found (personal data, offensive words, words "
                "about harm) holds it for a moderator; 1 or 2 stars with nothing found wait "
                "the short hold (shows_from) while the provider may reply; otherwise it shows "
                "at once.", "order",
                {"201": _private_json("The review was written.", "MyReview", Location={
                    "$ref": "#/components/headers/Location"}),
                 "400": _private_json(body_problem, error), "404": not_yours,
                 "409": _private_json("The order has a review already (already_reviewed).",
                                      error)},
                parameters=order_id, requestBody=body("ReviewRequest")),
            "patch": _private_operation(
                "editReview", "Change your review",
                "Changes the fields sent; the words are checked again, as when written.",
                "order",
                {"200": _private_json("The review after the change.", "MyReview"),
                 "400": _private_json(body_problem, error),
                 "404": _private_json("No such order of yours, or no review of it yet.",
                                      error),
                 "409": _private_json("The review was withdrawn or rejected (review_closed).",
                                      error)},
                parameters=order_id, requestBody=body("ReviewRequest")),
            "delete": _private_operation(
                "withdrawReview", "Withdraw your review",
                "It stops showing and counts in no rating; the order cannot be reviewed "
                "again.", "order",
                {"200": _private_json("The withdrawn review.", "MyReview"), "404": not_yours,
                 "409": _private_json("There is no review to withdraw (review_closed).",
                                      error)},
                parameters=order_id),
        },
        "/reviews/{review_id}/reply": {
            "post": _private_operation(
                "replyToReview", "Reply to a review of your service",
                "One public reply per review, by its service's provider. Checked like a "
                "review: anything found holds it for a moderator; otherwise it shows under "
                "the review at once.", "order",
                {"201": _private_json("The reply was written.", "Reply"),
                 "400": _private_json("The body is not {\"text\": ...}, or the text is empty "
                                      "or too long; the error names it.", error),
                 "403": providers_only, "404": not_theirs,
                 "409": _private_json("You have replied already (already_replied): use PUT.",
                                      error)},
                parameters=review_id, requestBody=reply_body),
            **{method: _private_operation(
                f"changeReply{method.capitalize()}", "Change your reply",
                "The reply's words, checked again; replied_at stays the first reply's time.",
                "order",
                {"200": _private_json("The reply after the change.", "Reply"),
                 "400": _private_json("The body is not {\"text\": ...}, or the text is empty "
                                      "or too long; the error names it.", error),
                 "403": providers_only,
                 "404": _private_json("No such review of your services, or no reply yet.",
                                      error)},
                parameters=review_id, requestBody=reply_body) for method in ("put", "patch")},
        },
        "/reviews/{review_id}/reports": {"post": _private_operation(
            "reportReview", "Report a published review",
            "Once per person per review, with a reason. The review keeps showing until a "
            "moderator keeps it or removes it; a provider's report alone never hides it.",
            "order",
            {"201": _private_json("The report was made.", "Report"),
             "400": _private_json("The reason is not one of the list, or words are too long; "
                                  "the error names the field.", error),
             "404": _private_json("No such review that shows.", error),
             "409": _private_json("You have reported it already (already_reported).", error)},
            parameters=review_id, requestBody=body("ReportRequest"))},
    }
