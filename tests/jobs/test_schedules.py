"""Due times: every worker computes the same ones, and a daily job is due once each London day,
in winter, in summer and on the days the clocks change."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace.jobs.schedules import DailyAt, Every
from marketplace.times import LONDON


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_an_interval_is_due_at_its_multiples_from_midnight():
    every = Every(minutes=15)
    assert every.latest_due(utc(2026, 5, 1, 10, 7, 30)) == utc(2026, 5, 1, 10, 0)
    assert every.latest_due(utc(2026, 5, 1, 10, 15)) == utc(2026, 5, 1, 10, 15)
    assert every.next_due(utc(2026, 5, 1, 23, 50)) == utc(2026, 5, 2, 0, 0)
    assert every.describe() == "every 15 minutes"
    assert Every(seconds=1).describe() == "every second"
    assert Every(hours=6).latest_due(utc(2026, 5, 1, 13, 0)) == utc(2026, 5, 1, 12, 0)


def test_an_interval_that_does_not_divide_a_day_is_refused():
    with pytest.raises(ValueError):
        Every(minutes=7)
    with pytest.raises(ValueError):
        Every()


def test_daily_at_one_is_one_o_clock_london_time_in_winter_and_summer():
    daily = DailyAt(hour=1)
    # Winter: London is on GMT, so 01:00 London is 01:00 UTC.
    assert daily.latest_due(utc(2026, 1, 10, 0, 30)) == utc(2026, 1, 9, 1, 0)
    assert daily.latest_due(utc(2026, 1, 10, 1, 0)) == utc(2026, 1, 10, 1, 0)
    # Summer: London is on BST, so 01:00 London is 00:00 UTC.
    assert daily.latest_due(utc(2026, 7, 1, 0, 30)) == utc(2026, 7, 1, 0, 0)
    assert daily.next_due(utc(2026, 7, 1, 0, 30)) == utc(2026, 7, 2, 0, 0)
    assert daily.describe() == "daily at 01:00 London time"


@pytest.mark.parametrize("start", [utc(2026, 3, 27), utc(2026, 10, 23)],
                         ids=["clocks go forward", "clocks go back"])
@pytest.mark.parametrize("hour,minute", [(0, 30), (1, 0), (1, 30), (2, 0), (13, 0)])
def test_a_daily_job_is_due_exactly_once_each_london_day_across_a_clock_change(
        start, hour, minute):
    daily = DailyAt(hour=hour, minute=minute)
    dues = {daily.latest_due(start + timedelta(minutes=10 * step)) for step in range(6 * 24 * 4)}
    london_days = [due.astimezone(LONDON).date() for due in dues]
    assert len(london_days) == len(set(london_days))  # never twice on one London day
    days = sorted(london_days)
    assert days == [days[0] + timedelta(days=n) for n in range(len(days))]  # none skipped
    for due in dues:
        assert daily.next_due(due - timedelta(seconds=1)) == due


def test_a_time_without_a_zone_is_refused():
    naive = datetime(2026, 5, 1, 10, 7)
    with pytest.raises(ValueError):
        DailyAt(hour=1).latest_due(naive)
    with pytest.raises(ValueError):
        Every(minutes=15).latest_due(naive)
