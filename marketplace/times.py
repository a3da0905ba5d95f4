"""The one clock: times are stored as UTC and shown, and counted in days, in Europe/London.

(Being completed under issue 6: every stored timestamp becomes timezone-aware UTC.)
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def london_today() -> date:
    """Today's date in Europe/London: the day people here are living in."""
    return datetime.now(LONDON).date()
