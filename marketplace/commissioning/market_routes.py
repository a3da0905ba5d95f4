"""The commissioners' market map (/commissioning/market): supply against live demand, with a
chart and the same figures in a table, a CSV download, and one gap opened up. Commissioners
only (the blueprint's role check); every figure passes through disclosure control."""
from __future__ import annotations

from flask import abort, render_template, request

from marketplace import areas, vocabulary
from marketplace.commissioning import market_figures, tables
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.market_gap import gap_detail
from marketplace.commissioning.market_map import market_map
from marketplace.commissioning.outcome_themes import outcome_themes
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.summary_refresh import current_freshness
from marketplace.commissioning.tables import csv_response


def _filters() -> tuple[MarketFilterForm, bool]:
    form = MarketFilterForm(request.args)
    return form, form.validate()


@blueprint.route("/market")
@commissioner_only
def market():
    form, valid = _filters()
    if not valid:
        return render_template("commissioning/market/map.html", form=form, rows=None,
                               chart=[], period=None), 400
    query = form.market_query()
    market_now = market_map(query)
    rows = market_figures.shown_gaps(market_now, current_rule())
    themes = market_figures.shown_themes(outcome_themes(query), current_rule())
    return render_template(
        "commissioning/market/map.html", form=form, rows=rows, columns=market_figures.COLUMNS,
        chart=market_figures.chart_rows(rows), period=form.period(), themes=themes,
        theme_columns=market_figures.THEME_COLUMNS,
        theme_chart=market_figures.theme_chart(themes),
        unplaced=current_rule().count(market_now.unplaced_searches),
        freshness=current_freshness("market"),
        query_string=request.query_string.decode())


@blueprint.route("/market.csv")
@commissioner_only
def market_csv():
    form, valid = _filters()
    if not valid:
        abort(400)
    name, rows = tables.VIEWS["market"]
    return csv_response(rows(form), name, form)


@blueprint.route("/market/gap")
@commissioner_only
def market_gap():
    form, valid = _filters()
    category = request.args.get("gap_category", "")
    authority = request.args.get("gap_area", "")
    if not valid or category not in vocabulary.values(vocabulary.CATEGORIES) or \
            authority not in areas.LOCAL_AUTHORITIES:
        abort(404)
    detail = gap_detail(form.market_query(), category, authority)
    return render_template("commissioning/market/gap.html", form=form, detail=detail,
                           rule=current_rule(), period=form.period(),
                           freshness=current_freshness("gap"),
                           category_label=vocabulary.label(vocabulary.CATEGORIES, category),
                           area_label=areas.area_label(authority),
                           back_args={name: value for name, value in request.args.items()
                                      if not name.startswith("gap_")})
