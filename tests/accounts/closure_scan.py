"""Reading every value of every column of every table in the database (reflected, so a table a
later migration adds is read too) and saying where any of some words still appear."""
from __future__ import annotations

import json

import sqlalchemy as sa

from marketplace.extensions import db


def where_found(words: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, word) for each word found in any value, compared case-insensitively.
    JSON values are read as their text, so a word inside a list or object is found too."""
    wanted = [word.lower() for word in words]
    found = []
    with db.engine.connect() as connection:
        schema = sa.MetaData()
        schema.reflect(bind=connection)
        assert "users" in schema.tables and "email_messages" in schema.tables
        for table in schema.sorted_tables:
            for row in connection.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    text = _as_text(value).lower()
                    found += [(table.name, column, word) for word in wanted if word in text]
    return sorted(set(found))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
