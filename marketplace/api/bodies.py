"""Reading a JSON request body into its model (private_models.RequestBody), for every API
endpoint that takes one.

Invariants: the body is parsed by pydantic's own JSON parser, which refuses what would
otherwise reach the database or the stack as a 500: text with a lone surrogate ("\\ud800",
which no database can store) and nesting deeper than its limit (instead of a RecursionError);
bytes that are not UTF-8 are refused before it, rather than quietly replaced.
Every refusal is a 400 InvalidParameter naming the field, or 'body' for the body as a whole,
in the words of the model's `messages`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import request
from pydantic import ValidationError

from marketplace.api.private_models import RequestBody
from marketplace.errors import InvalidParameter
from marketplace.extensions import db

Body = TypeVar("Body", bound=RequestBody)
NOT_AN_OBJECT = "The request body must be a JSON object."


def read_body(model: type[Body], *, required: bool) -> Body:
    """The request body as `model`; an empty body is `model()` unless one is required."""
    raw = request.get_data()
    if not raw.strip():
        if required:
            raise InvalidParameter("body", model.missing_body)
        return model()
    try:
        raw.decode("utf-8")  # pydantic's parser would quietly replace bytes that are not
    except UnicodeDecodeError:
        raise InvalidParameter("body", f"{NOT_AN_OBJECT[:-1]}, sent as UTF-8 text.") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as refused:
        raise _plain_words(model, refused) from None


def _plain_words(model: type[RequestBody], refused: ValidationError) -> InvalidParameter:
    problem = refused.errors(include_url=False)[0]
    location = [part for part in problem["loc"] if isinstance(part, str)]
    name = location[0] if location else None
    if problem["type"] == "json_invalid":  # "lone leading surrogate in hex escape at line 1 ..."
        reason = problem["msg"].removeprefix("Invalid JSON: ")
        return InvalidParameter("body", f"{NOT_AN_OBJECT[:-1]}, and this is not JSON: {reason}.")
    if name is None or problem["type"] == "model_type":
        return InvalidParameter("body", NOT_AN_OBJECT)
    if problem["type"] == "extra_forbidden" or name not in model.model_fields:
        return InvalidParameter("body", model.unknown_field.format(
            name=name, fields=", ".join(model.model_fields)))
    if problem["type"] == "missing":
        return InvalidParameter(name, f"'{name}' is required.")
    return InvalidParameter(name, model.messages.get(name, f"'{name}' is not valid."))


@contextmanager
def refusals_undone() -> Iterator[None]:
    """A refusal leaves nothing behind: whatever the view wrote before it is rolled back."""
    try:
        yield
    except Exception:
        db.session.rollback()
        raise
