"""Each market view's figures as one table of text cells, after disclosure control: what its
CSV download holds and what `/api/v1/commissioning/<view>` answers, so the two can never
differ from each other or from the page."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response

from marketplace.budgets.csv_cells import csv_document, safe_text
from marketplace.commissioning import (equality_figures, market_figures, quality_figures,
                                       spend, spend_figures)
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.equality import equality
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.market_map import market_map
from marketplace.commissioning.outcome_themes import outcome_themes
from marketplace.commissioning.quality_view import quality_view


def shown_for(form: MarketFilterForm) -> spend_figures.ShownSpend:
    query = form.market_query()
    return spend_figures.shown_spend(spend.spend(query), spend.budgets_in_period(query),
                                     spend.pools(query), current_rule())


def csv_response(rows: list[list[str]], name: str, form: MarketFilterForm) -> Response:
    """A CSV download named for the view and the period (shared by the market views)."""
    start, end = form.period()
    cells = [[safe_text(cell) for cell in row] for row in rows]
    return Response(csv_document(cells), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="{name}-{start.isoformat()}-to-{end.isoformat()}.csv"'})


def _market(form: MarketFilterForm) -> list[list[str]]:
    query, rule = form.market_query(), current_rule()
    return market_figures.csv_rows(market_figures.shown_gaps(market_map(query), rule),
                                   market_figures.shown_themes(outcome_themes(query), rule))


def _spend(form: MarketFilterForm) -> list[list[str]]:
    return spend_figures.csv_rows(shown_for(form))


def _equality(form: MarketFilterForm) -> list[list[str]]:
    return equality_figures.csv_rows(equality_figures.shown_equality(
        equality(form.market_query()), current_rule()))


def _quality(form: MarketFilterForm) -> list[list[str]]:
    return quality_figures.csv_rows(quality_figures.shown_quality(
        quality_view(form.market_query()), current_rule()))


#: view name -> (file name of its download, its rows: a heading row first).
VIEWS: dict[str, tuple[str, Callable[[MarketFilterForm], list[list[str]]]]] = {
    "market": ("market-map", _market),
    "spend": ("spend", _spend),
    "equality": ("equality-and-access", _equality),
    "quality": ("quality", _quality),
}
