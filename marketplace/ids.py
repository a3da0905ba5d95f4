"""Ids and whole numbers from URLs: bounded, so a number no row can have is a 404 or a 400,
never an overflow in the database.

Invariants:
- Every `<int:...>` in a URL rule goes through IdConverter (create_app installs it as "int"):
  past MAX_ID, the largest 32-bit key PostgreSQL holds, the view is given NO_ROW (0), an id
  no row has, so it answers its own 404 as for any missing row. `<bigint:...>` is the same
  for 64-bit keys (MAX_BIG_ID).
- Every whole number read from a query string goes through query_int, which answers 400
  (InvalidParameter, naming the parameter and the range) for text, signs, or numbers out of range.
"""
from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

from marketplace.errors import InvalidParameter

#: Largest id of a table with 32-bit keys (most of them), and of one with 64-bit keys.
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1
#: The id a too-large number becomes: keys start at 1, so no row has it.
NO_ROW = 0


class IdConverter(IntegerConverter):
    """`<int:name>`: a row id. A number past MAX_ID reaches the view as NO_ROW, which no table
    holds, so the view answers exactly as for any missing row (its own 404 and words: a
    caller cannot tell a huge id from a deleted one), and the database is never asked to
    compare with a number its column cannot hold."""

    maximum = MAX_ID

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= self.maximum else NO_ROW


class BigIdConverter(IdConverter):
    """`<bigint:name>`: a row id in a table with 64-bit keys (emails, jobs, ledger lines)."""

    maximum = MAX_BIG_ID


def install_converters(app) -> None:
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["bigint"] = BigIdConverter


def parse_id(text, maximum: int = MAX_ID) -> int | None:
    """The id in text ("12"), or None when it is not a whole number from 1 to maximum."""
    text = str(text if text is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def query_int(name: str, *, default: int | None = None, required: bool = False,
              minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A query parameter that must be a whole number in range; 400 naming it otherwise.
    Missing or empty: `default` (or 400 when required)."""
    text = request.args.get(name, "").strip()
    if not text:
        if required:
            raise InvalidParameter(name, f"'{name}' is required.")
        return default
    top = f" to {maximum}" if maximum < MAX_ID else " or more"
    digits = text.isascii() and text.isdigit() and len(text) <= len(str(maximum))
    if not digits or not minimum <= int(text) <= maximum:
        raise InvalidParameter(name, f"'{name}' must be a whole number from {minimum}{top}.")
    return int(text)
