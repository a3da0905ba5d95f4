"""Column helpers shared by every area's models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, Integer

#: SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigIntegerKey = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
