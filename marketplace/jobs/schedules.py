"""When scheduled jobs fall due. A schedule turns "now" into due times that every worker on
every node computes identically, so the due time can be the key that makes a run unique.

- Every(minutes=15): due at each multiple of the interval counted from midnight UTC (00:00,
  00:15, ...). The interval must divide a day evenly.
- DailyAt(hour=1): once a London day, at that wall-clock time in Europe/London. On the day
  the clocks go forward a missing time (01:30 say) is read as the same time before the change,
  so it is due an hour later in summer time; on the day they go back, the first of the two
  01:30s. Either way there is exactly one due time each London day.

Only the latest due time matters: jobs catch up on everything that fell due before it (paying
instalments pays every one due up to today), so a worker that was stopped for a week runs each
job once when it starts, not once per missed due time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.times import LONDON, to_london, to_utc

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Every:
    seconds: int = 0
    minutes: int = 0
    hours: int = 0

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.seconds, minutes=self.minutes, hours=self.hours)

    def __post_init__(self) -> None:
        interval = self.interval
        if interval <= timedelta(0) or DAY % interval:
            raise ValueError(f"An interval must be positive and divide a day evenly: {interval}")

    def latest_due(self, now: datetime) -> datetime:
        now = to_utc(now)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight + ((now - midnight) // self.interval) * self.interval

    def next_due(self, now: datetime) -> datetime:
        return self.latest_due(now) + self.interval

    def describe(self) -> str:
        for amount, unit in ((self.hours, "hour"), (self.minutes, "minute"),
                             (self.seconds, "second")):
            if amount and self.interval == timedelta(**{f"{unit}s": amount}):
                return f"every {unit}" if amount == 1 else f"every {amount} {unit}s"
        return f"every {int(self.interval.total_seconds())} seconds"


@dataclass(frozen=True)
class DailyAt:
    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError(f"Not a time of day: {self.hour}:{self.minute}")

    def _on(self, day, now: datetime) -> datetime:
        return to_utc(datetime(day.year, day.month, day.day, self.hour, self.minute,
                               tzinfo=LONDON))

    def latest_due(self, now: datetime) -> datetime:
        today = to_london(now).date()
        due = self._on(today, now)
        return due if due <= now else self._on(today - DAY, now)

    def next_due(self, now: datetime) -> datetime:
        today = to_london(now).date()
        due = self._on(today, now)
        return due if due > now else self._on(today + DAY, now)

    def describe(self) -> str:
        return f"daily at {self.hour:02d}:{self.minute:02d} London time"
