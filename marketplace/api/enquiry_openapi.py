"""The enquiries operations of the OpenAPI document (openapi.py adds them to its paths and
their shapes to its schemas): every status each view of api/enquiries.py can answer."""
from __future__ import annotations

from typing import Any

from marketplace.api import enquiries

RESPONSE_MODELS = [enquiries.Enquiry, enquiries.EnquiryList]
REQUEST_MODELS = [enquiries.EnquiryRequest, enquiries.MessageRequest]


def enquiry_paths() -> dict[str, Any]:
    # Imported here: openapi.py imports this module to build its document.
    from marketplace.api.openapi import _id_parameter, _private_json, _private_operation, _ref

    error = "Error"
    enquiry_id = [_id_parameter("enquiry_id", "enquiry")]
    body_problem = ("The body or one of its fields is not valid (not JSON, a lone surrogate, "
                    "too deeply nested, an unknown field, a value of the wrong kind), or the "
                    "text is empty or too long; the error names the field.")
    not_seen = _private_json("No such enquiry, or not one you may see: only its two sides "
                             "(and supporters with the holder's 'buy' permission) may.", error)
    closed = _private_json("The conversation is closed (enquiry_closed).", error)

    def body(schema: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}

    return {
        "/services/{service_id}/enquiries": {"post": _private_operation(
            "startEnquiry", "Ask a service's provider a question",
            "For a budget holder, or a supporter with the holder's 'buy' permission: asks the "
            "provider a question before buying. The holder's open conversation about this "
            "service takes it if there is one (200); otherwise one starts (201). The provider "
            "sees `shown_as`, never the holder's name or email, and is emailed.", "order",
            {"200": _private_json("Added to the open conversation.", "Enquiry"),
             "201": _private_json("A conversation was started.", "Enquiry",
                                  Location={"$ref": "#/components/headers/Location"}),
             "400": _private_json(body_problem, error),
             "403": _private_json("The token lacks the 'order' scope (insufficient_scope), or "
                                  "only holders and supporters ask (forbidden).", error),
             "404": _private_json("No such active service, or no such holder you may act "
                                  "for with 'buy'.", error)},
            parameters=[_id_parameter("service_id", "service")],
            requestBody=body("EnquiryRequest"))},
        "/enquiries": {"get": _private_operation(
            "listEnquiries", "Your enquiries",
            "The conversations on your side: a holder's own, a supporter's for the holders who "
            "gave them 'buy', a provider's about its services. Newest message first.", "read",
            {"200": _private_json("The conversations.", "EnquiryList", get=True),
             "403": _private_json("The token lacks the 'read' scope (insufficient_scope), or "
                                  "your role has no enquiries (forbidden).", error)})},
        "/enquiries/{enquiry_id}": {"get": _private_operation(
            "getEnquiry", "One conversation", "With its messages, oldest first.", "read",
            {"200": _private_json("The conversation.", "Enquiry", get=True),
             "404": not_seen}, parameters=enquiry_id)},
        "/enquiries/{enquiry_id}/messages": {"post": _private_operation(
            "replyToEnquiry", "Write in a conversation",
            "Either side writes; the other side is emailed and told in the app.", "order",
            {"201": _private_json("The conversation with the new message.", "Enquiry"),
             "400": _private_json(body_problem, error), "404": not_seen, "409": closed},
            parameters=enquiry_id, requestBody=body("MessageRequest"))},
    }
