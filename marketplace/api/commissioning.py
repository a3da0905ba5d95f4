"""The commissioners' figures as JSON: GET /api/v1/commissioning/{market,spend,equality,quality}
with the pages' filters, and the published market position statements (public).

Invariants:
- The same figures as the pages and their CSV downloads, through the same disclosure control:
  each view answers commissioning.tables.VIEWS, cell for cell what its CSV holds.
- Commissioners only (a token with the 'read' scope whose person is a commissioner): anyone
  else is 403; bad filters are 400 naming the parameter, with the pages' words.
- Statements: only published ones, to anyone; a draft is 404 like one that does not exist.
"""
from __future__ import annotations

from flask import g, request, url_for
from pydantic import Field

from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.models import Day, Moment, Shape, Uri
from marketplace.api.serialisers import _utc
from marketplace.commissioning import statements, tables
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.statement_models import SECTIONS
from marketplace.commissioning.summary_refresh import current_freshness
from marketplace.errors import Forbidden, InvalidParameter
from marketplace.times import iso_date

VIEW_NAMES = tuple(tables.VIEWS)
FILTERS = ("start", "end", "area", "category")


class Period(Shape):
    start: Day
    end: Day


class CommissioningTable(Shape):
    """One market view's figures: a heading row, then one row per line, each cell as text
    exactly as in the view's CSV download (digits; pounds as 1200.00; "fewer than 8" or "not
    shown" where disclosure control hides a figure)."""

    view: str
    period: Period
    worked_out_at: Moment = Field(description="When this answer was worked out.")
    figures_up_to: Moment | None = Field(
        description="The last refresh of the summaries these figures come from (the worker "
                    "brings them up to date every few minutes): they hold everything up to "
                    "then, and today's searches and spending as they happen. Null when every "
                    "figure was worked out from live data.")
    freshness: str = Field(description="The same in words, as the page says it.")
    columns: list[str]
    rows: list[list[str]]


class StatementSection(Shape):
    heading: str
    text: str = Field(description="Plain text; paragraphs are separated by an empty line.")


class MarketPositionStatement(Shape):
    """A published market position statement (no data about any individual)."""

    id: int
    url: Uri = Field(description="Its public page (with a print stylesheet).")
    title: str
    period: Period
    published_at: Moment
    sections: list[StatementSection]


class StatementList(Shape):
    statements: list[MarketPositionStatement]


RESPONSE_MODELS = [CommissioningTable, MarketPositionStatement, StatementList]


def _filters() -> MarketFilterForm:
    unknown = sorted(set(request.args) - set(FILTERS))
    if unknown:
        raise InvalidParameter(unknown[0], f"There is no filter called {unknown[0]!r}: use "
                               "start, end, area or category")
    form = MarketFilterForm(request.args, meta={"csrf": False})
    if not form.validate():
        name, errors = next(iter(form.errors.items()))
        raise InvalidParameter(name, errors[0])
    return form


def _table(view: str):
    if g.api_user.role != "commissioner":
        raise Forbidden("Only commissioners may read the market figures.")
    form = _filters()
    start, end = form.period()
    name, rows = tables.VIEWS[view]
    heading, *lines = rows(form)
    fresh = current_freshness(view)
    return CommissioningTable(
        view=view, period=Period(start=iso_date(start), end=iso_date(end)),
        worked_out_at=_utc(fresh.worked_out_at),
        figures_up_to=_utc(fresh.summarised_at) if fresh.summarised_at else None,
        freshness=fresh.sentence(), columns=heading, rows=lines).as_json()


for _view in VIEW_NAMES:
    blueprint.add_url_rule(
        f"/commissioning/{_view}", endpoint=f"commissioning_{_view}",
        view_func=token_required("read")(lambda view=_view: _table(view)), methods=["GET"])


def _statement(found) -> MarketPositionStatement:
    return MarketPositionStatement(
        id=found.id, title=found.title,
        url=url_for("statements.public_statement", statement_id=found.id, _external=True),
        period=Period(start=iso_date(found.period_start), end=iso_date(found.period_end)),
        published_at=_utc(found.published_at),
        sections=[StatementSection(heading=heading, text=found.section(name))
                  for name, heading in SECTIONS if found.section(name)])


@blueprint.get("/market-position-statements")
def market_position_statements():
    return StatementList(statements=[_statement(found) for found in
                                     statements.published_statements()]).as_json()


@blueprint.get("/market-position-statements/<int:statement_id>")
def market_position_statement(statement_id: int):
    return _statement(statements.published(statement_id)).as_json()
