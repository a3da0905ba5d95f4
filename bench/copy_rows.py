"""Bulk loading for the PostgreSQL benchmarks: rows as dicts, written with COPY.

Columns a row leaves out get the model's Python-side default (a scalar, or a callable such as
`utcnow` or `list`), as an ORM insert would give them, or NULL, so a generator names only what
it means. JSON columns are written as JSON text. COPY runs inside the caller's transaction, so a
failed load leaves nothing behind.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa


def _filler(column: sa.Column):
    """A function giving the column's value for a row that left it out."""
    default = column.default
    if default is None:
        return lambda: None
    if default.is_callable:
        return lambda: default.arg(None)
    return lambda: default.arg


def copy_rows(connection, table: sa.Table, rows: Iterable[dict]) -> int:
    """COPY rows into table on the SQLAlchemy connection's psycopg connection."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    # Every column, except one the database fills itself that the rows do not name.
    names = [column.name for column in table.columns
             if column.name in first or (column.server_default is None
                                         and not column.primary_key)
             or column.default is not None]
    fillers = {name: _filler(table.c[name]) for name in names}
    json_columns = {column.name for column in table.columns
                    if isinstance(column.type, sa.JSON)}
    raw = connection.connection.driver_connection
    written = 0
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in _chain(first, rows):
                values = []
                for name in names:
                    value = row[name] if name in row else fillers[name]()
                    if name in json_columns and value is not None:
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
                written += 1
    return written


def _chain(first: dict, rest):
    yield first
    yield from rest


def move_sequences(connection, tables: Iterable[str]) -> None:
    """Ids were given explicitly, so move each table's id sequence past them."""
    for table in tables:
        connection.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM {table})))"))
