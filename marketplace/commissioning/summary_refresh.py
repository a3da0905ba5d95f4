"""Bringing the commissioners' summaries up to date: the worker's `market-summaries` job
(commissioning/jobs.py; `flask worker --once` runs it by hand).

Searches and spending are summarised by London day up to the end of yesterday, every day
checked for late rows (daily_summary.py); supply is brought to the listings as they are now
(supply.py). Everything is written in the caller's database transaction, stamped with the
moment the refresh began, which the pages give as "Figures up to ...".
"""
from __future__ import annotations

from datetime import datetime

from marketplace.commissioning import search_counts, spend_days
from marketplace.commissioning.daily_summary import refresh_daily
from marketplace.commissioning.summary_models import SEARCHES, SPEND, SUPPLY
from marketplace.commissioning.summary_state import Freshness, freshness
from marketplace.commissioning.supply import refresh_supply
from marketplace.times import utcnow

DAILY = (search_counts.SUMMARY, spend_days.SUMMARY)


def refresh_summaries(now: datetime | None = None) -> str:
    """Refresh every summary; returns what was done, in words. Flushes; the caller commits."""
    now = now or utcnow()
    done = []
    for summary in DAILY:
        result = refresh_daily(summary, now)
        done.append(f"{summary.name}: {result.summarised} day"
                    f"{'' if result.summarised == 1 else 's'} summarised, {result.checked} "
                    "checked")
    changed = refresh_supply(now)
    done.append("supply: listings unchanged" if changed is None else
                f"supply: {changed} count{'' if changed == 1 else 's'} changed")
    return "; ".join(done) + "."


#: The summaries each market view reads.
VIEW_SUMMARIES = {"market": (SEARCHES, SUPPLY), "gap": (SUPPLY,), "equality": (SEARCHES, SUPPLY),
                  "spend": (SPEND,), "quality": ()}


def current_freshness(view: str) -> Freshness:
    """How fresh the view's figures are: the last refresh of the summaries it reads, or live."""
    settings = {SEARCHES: search_counts.settings(), SPEND: spend_days.settings(), SUPPLY: {}}
    return freshness({name: settings[name] for name in VIEW_SUMMARIES[view]})
