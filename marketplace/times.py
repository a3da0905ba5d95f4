"""The one clock: times are stored as aware UTC and shown, and counted in days, in Europe/London.

Invariants:
- "Now" comes only from utcnow(), which returns an aware datetime in UTC. Every stored
  timestamp is aware UTC (marketplace.columns.UtcDateTime refuses naive ones).
- A "day" that people live in (today, statement and spending-return periods, instalment due
  dates, the days before an order confirms itself) is a day in Europe/London. A London day is
  the half-open range [00:00 London, next day's 00:00 London) in UTC: 24 hours, except 23 on
  the last Sunday of March and 25 on the last Sunday of October.
- Every date and time shown to a person (pages, CSV, print views, emails, invoices) is London
  wall time, formatted here and nowhere else; the API gives UTC with an explicit offset.
- Functions here never accept a naive datetime: one would be ambiguous, so it is a bug.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")


def _system_clock() -> datetime:
    return datetime.now(UTC)


#: Where "now" comes from. Tests replace it (tests/conftest.py `clock`) to fix the time;
#: nothing else should.
_clock = _system_clock


def utcnow() -> datetime:
    """Now, as an aware datetime in UTC."""
    return _clock()


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; times here are aware UTC")
    return moment


def to_utc(moment: datetime) -> datetime:
    return _aware(moment).astimezone(UTC)


def to_london(moment: datetime) -> datetime:
    """The London wall time of an aware moment."""
    return _aware(moment).astimezone(LONDON)


def london_date(moment: datetime) -> date:
    """The London day a moment falls on: 23:30 UTC on 31 March 2026 is 1 April (BST)."""
    return to_london(moment).date()


def london_today(now: datetime | None = None) -> date:
    """Today's date in Europe/London: the day people here are living in."""
    return london_date(now or utcnow())


def london_midnight(day: date) -> datetime:
    """00:00 London at the start of `day`, in UTC (London never skips or repeats midnight)."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def london_day_bounds(
    start: date | None, end: date | None
) -> tuple[datetime | None, datetime | None]:
    """Inclusive London dates as a half-open range of aware UTC moments:
    [start 00:00 London, the day after end 00:00 London). A missing side stays None."""
    return (
        london_midnight(start) if start is not None else None,
        london_midnight(end + timedelta(days=1)) if end is not None else None,
    )


def london_days_later(moment: datetime, days: int) -> datetime:
    """The same London wall time `days` London days later, in UTC, so the result always falls
    on the London day `days` after the moment's, whatever the clocks did in between."""
    # Arithmetic on a datetime in one ZoneInfo is wall-clock arithmetic; the offset is
    # worked out again for the result.
    return (to_london(moment) + timedelta(days=days)).astimezone(UTC)


# ---------------------------------------------------------------- how dates and times read


def format_date(value: date | datetime | None) -> str:
    """date(2026, 4, 1) or any moment on that London day -> '1 April 2026'; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london_date(value)
    return f"{value.day} {value:%B %Y}"


def format_time(moment: datetime | None) -> str:
    """London wall time, 24-hour: 14:05 UTC on a summer day -> '15:05'."""
    return "" if moment is None else f"{to_london(moment):%H:%M}"


def format_datetime(moment: datetime | None) -> str:
    """'1 April 2026, 00:30' in London wall time; None -> ''."""
    if moment is None:
        return ""
    return f"{format_date(moment)}, {format_time(moment)}"


def iso_date(value: date | datetime) -> str:
    """'2026-04-01': a date, or the London day of a moment (for CSV files)."""
    if isinstance(value, datetime):
        value = london_date(value)
    return value.isoformat()


def iso_utc(moment: datetime) -> str:
    """For machines (the API): UTC with an explicit offset, '2026-03-31T23:30:00+00:00'."""
    return to_utc(moment).isoformat(timespec="seconds")
