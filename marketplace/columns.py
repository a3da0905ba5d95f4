"""Column types shared by every area's models."""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer

#: SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigIntegerKey = BigInteger().with_variant(Integer, "sqlite")
