"""Which part of a period the views read from the summaries, and how fresh the figures are.

A daily summary covers whole London days up to its `complete_through`; a view reads the
summary for the days of its period up to then and the source rows for the rest (today, and
any day the worker has not reached), so each figure is the summary's count plus the live
tail's. A summary whose settings differ from the app's (a setting changed since the refresh)
is not read at all: the view works everything out live until the worker rebuilds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from marketplace.commissioning.summary_models import SummaryRefresh
from marketplace.extensions import db
from marketplace.jobs import Every
from marketplace.times import format_date, format_time, london_date, london_midnight, utcnow

#: How often the worker's market-summaries job runs (commissioning/jobs.py).
REFRESH_EVERY = Every(minutes=10)


@dataclass(frozen=True)
class Coverage:
    """A period split at the summary's edge: summary days [first, after) and the live part."""
    #: London days read from the summary, [summary_from, summary_to); None if none are.
    summary_from: date | None
    summary_to: date | None
    #: Moments read live, [live_since, live_until); None if the summary covers the period.
    live_since: datetime | None
    live_until: datetime | None

    @property
    def reads_summary(self) -> bool:
        return self.summary_from is not None


def valid_state(name: str, settings: dict) -> SummaryRefresh | None:
    """The summary's state if it may be read with these settings."""
    state = db.session.get(SummaryRefresh, name)
    if state is None or state.settings != settings:
        return None
    return state


def coverage(name: str, settings: dict, since: datetime | None, until: datetime) -> Coverage:
    """Split [since, until) (since None: from the beginning) at the summary's edge. The
    period's ends are London midnights, as every market view's are."""
    state = valid_state(name, settings)
    if state is None or state.complete_through is None:
        return Coverage(None, None, since, until)
    summary_end = london_midnight(state.complete_through + timedelta(days=1))
    first = date.min if since is None else london_date(since)
    if since is not None and since >= summary_end:
        return Coverage(None, None, since, until)
    last = min(state.complete_through + timedelta(days=1), london_date(until - timedelta(seconds=1))
               + timedelta(days=1))
    live = (summary_end, until) if until > summary_end else (None, None)
    return Coverage(first, last, *live)


@dataclass(frozen=True)
class Freshness:
    """What a page says about how fresh its figures are."""
    #: The last refresh of every summary the figures use; None when all were worked out live.
    summarised_at: datetime | None
    worked_out_at: datetime
    every_minutes: int

    def sentence(self) -> str:
        if self.summarised_at is None:
            return f"Worked out from live data at {format_time(self.worked_out_at)} on " \
                   f"{format_date(self.worked_out_at)}."
        return (f"Figures up to {format_time(self.summarised_at)} on "
                f"{format_date(self.summarised_at)} (brought up to date every "
                f"{self.every_minutes} minutes); today's searches and spending, needs, pools and "
                "reviews are counted as they happen.")


def freshness(settings: dict[str, dict]) -> Freshness:
    """From the states of the summaries named in `settings` ({name: the settings it must have
    been made with}): the oldest of their refreshes, or live when none may be read."""
    rows = db.session.scalars(sa.select(SummaryRefresh).where(
        SummaryRefresh.name.in_(list(settings)))).all() if settings else []
    moments = [row.refreshed_at for row in rows if row.settings == settings[row.name]]
    return Freshness(min(moments) if moments else None, utcnow(),
                     int(REFRESH_EVERY.interval.total_seconds() // 60))
