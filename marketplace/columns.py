"""Column types shared by every area's models.

UtcDateTime is the type of every `Mapped[datetime]` column (extensions.Base maps it):
- PostgreSQL: `timestamp with time zone`; values come back converted to UTC.
- SQLite: the same text SQLAlchemy has always written there ("2026-03-31 23:30:00.000000"),
  holding UTC; rows written before timestamps were aware are naive UTC text too, so they read
  back unchanged. Values come back with tzinfo=UTC. Because every value is UTC text of one
  format, comparing the text compares the moments.
- A naive datetime is refused on the way in (NaiveDatetimeError): nobody can tell which clock
  it was read from, so it is a bug, and the tests catch it. Nowhere in the code needs
  naive-in tolerated: "now" is times.utcnow(), which is aware.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator

#: SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigIntegerKey = BigInteger().with_variant(Integer, "sqlite")


class NaiveDatetimeError(TypeError):
    """A datetime without a time zone was about to be stored."""


class UtcDateTime(TypeDecorator):
    """An aware moment, stored as UTC (see the module docstring)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{value!r} has no time zone: store aware UTC (marketplace.times.utcnow())"
            )
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # SQLite's DATETIME text has no offset; the value is UTC by this type's rule.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that `column` holds one of `values`: models and migrations build their
    state checks from the same Python constants, so the lists cannot drift apart."""
    if not values or any("'" in value for value in values):
        raise ValueError(f"state values must be plain words: {values!r}")
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"
