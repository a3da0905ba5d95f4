"""The one clock: times are stored as UTC and shown, and counted in days, in Europe/London."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
