"""Searches counted by the area and filters the market views read, from the daily summary
(search_counts_daily) for complete past days and from the anonymous search log for the rest.

Each dimension is an expression over search_log_entries, read inside the database (JSON on
SQLite and PostgreSQL alike; the specialism its words asked for is a column of its own): ""
or false when the search did not use it. A flag (evenings,
weekends, ulo, micro) counts when the search log holds "true" for it, as the search page
writes every flag it uses. Another dimension is one more line in DIMENSIONS and a column of
SearchCountDaily (summary_models.py says what else).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from flask import current_app

from marketplace.commissioning.daily_summary import DailySummary
from marketplace.commissioning.summary_models import SEARCHES, SearchCountDaily
from marketplace.commissioning.summary_state import coverage
from marketplace.search.models import SearchLogEntry


def searched(name: str) -> sa.ColumnElement:
    """A filter of a logged search, as text (NULL when not used)."""
    return SearchLogEntry.filters[name].as_string()


def _text(name: str) -> sa.ColumnElement:
    return sa.func.coalesce(searched(name), "")


def _flag(name: str) -> sa.ColumnElement:
    return sa.case((searched(name) == "true", sa.true()), else_=sa.false())


DIMENSIONS: tuple[tuple[str, sa.ColumnElement], ...] = (
    ("area", sa.func.coalesce(SearchLogEntry.area, "")),
    ("category", _text("category")),
    ("language", _text("language")),
    ("specialism", sa.func.coalesce(SearchLogEntry.specialism, "")),
    ("evenings", _flag("evenings")),
    ("weekends", _flag("weekends")),
    ("ulo", _flag("ulo")),
    ("micro", _flag("micro")),
)


def _few() -> int:
    return current_app.config["MARKET_FEW_RESULTS"]


def _measures() -> tuple[tuple[str, sa.ColumnElement], ...]:
    few = sa.bindparam("few_results", callable_=_few, type_=sa.Integer)
    return (
        ("searches", sa.func.count()),
        ("zero_result", sa.func.sum(sa.case((SearchLogEntry.result_count == 0, 1), else_=0))),
        ("few_result", sa.func.sum(sa.case((SearchLogEntry.result_count.between(1, few), 1),
                                           else_=0))),
    )


def settings() -> dict:
    return {"few_results": _few(), "dimensions": [name for name, _ in DIMENSIONS]}


SUMMARY = DailySummary(
    name=SEARCHES, table=SearchCountDaily.__table__,
    base=lambda *columns: sa.select(*columns).select_from(SearchLogEntry),
    moment=SearchLogEntry.created_at, dimensions=DIMENSIONS, measures=_measures(),
    settings=settings)


def counted(since, until, by: list[str],
            where: Callable[[Mapping], list] | None = None) -> list:
    """(by..., searches, zero_result, few_result) for the searches of [since, until)."""
    return SUMMARY.totals(coverage(SEARCHES, settings(), since, until), by, where)
