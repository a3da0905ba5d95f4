"""Property-based tests generated from the OpenAPI document (schemathesis): whatever a client
sends to any operation, valid or not, the answer is never a 5xx, its status is one the document
lists for that operation, and its body and headers match what the document says. Run as an
anonymous caller and as a holder with a token that may read and order.

Bounded (MAX_EXAMPLES per operation and caller) so the suite stays fast; each run picks new
examples, so the whole document is explored a little more every time.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.api import auth
from marketplace.extensions import db
from tests.factories import make_funded_budget, make_service, make_user

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
#: Only without our own headers: a token caller's Authorization header is sent with every
#: case, so a case "missing" it is not missing it at all and a 200 is right. (The API also
#: ignores query parameters it does not know, as a tolerant reader should, so schemathesis'
#: negative_data_rejection check, which expects those refused, is not used.)
ANONYMOUS_CHECKS = CHECKS + [missing_required_header]
BOUNDED = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def holder_token(app):
    """A holder with a funded budget, a service to order and a read-and-order token, so
    private operations get past authentication and reach their checks."""
    holder = make_user("holder", name="Sam Patel")
    make_funded_budget(holder, amount_pence=50_000)
    make_service(price_pence=2_500, title="Photography group")
    _, secret = auth.create_token(holder, "Property tests", ["read", "order"])
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _takes_input(operation) -> bool:
    raw = operation.definition.raw
    return bool(raw.get("parameters") or raw.get("requestBody") or raw.get("security"))


def _explore(schema, headers: dict[str, str], checks: list) -> None:
    """Every operation, with valid and with invalid data, MAX_EXAMPLES of each."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10  # the whole document, not a part of it
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.NEGATIVE and not _takes_input(operation):
                continue  # nothing to send wrong: no parameter, body or token
            @given(case=operation.as_strategy(generation_mode=mode))
            @BOUNDED
            def answers_as_documented(case):
                case.call_and_validate(headers=headers, checks=checks)

            try:
                answers_as_documented()
            except Exception as failure:
                raise AssertionError(f"{operation.label} ({mode.value} data)") from failure


def test_anonymous_callers_get_only_documented_answers(api_schema):
    _explore(api_schema, {}, ANONYMOUS_CHECKS)


def test_token_callers_get_only_documented_answers(api_schema, holder_token):
    _explore(api_schema, holder_token, CHECKS)
