"""Helpers for API tests: the OpenAPI document's component schemas as jsonschema validators."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator


class SchemaCheck:
    def __init__(self, document: dict):
        self.document = document

    def __call__(self, schema_name: str, body) -> None:
        """Fail with every difference between body and the named component schema."""
        root = {"$ref": f"#/components/schemas/{schema_name}",
                "components": self.document["components"]}
        validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{list(error.absolute_path)}: {error.message}"
                    for error in validator.iter_errors(body)]
        assert not problems, "\n".join(problems)


@pytest.fixture
def openapi_document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def matches_schema(openapi_document) -> SchemaCheck:
    return SchemaCheck(openapi_document)
