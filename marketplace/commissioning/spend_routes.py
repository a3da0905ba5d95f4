"""The commissioners' spend view (/commissioning/spend and its CSV): money budgets paid to
providers, by kind of support, area, month, funding stream and route, with the share reaching
user-led organisations and micro-providers, the direct-payment share and pools. Commissioners
only; every figure passes through disclosure control (docs/spend-view.md)."""
from __future__ import annotations

from flask import abort, render_template, request

from marketplace.commissioning import spend_figures
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.summary_refresh import current_freshness
from marketplace.commissioning.tables import csv_response, shown_for


@blueprint.route("/spend", endpoint="spend")
@commissioner_only
def spend_view():
    form = MarketFilterForm(request.args)
    if not form.validate():
        return render_template("commissioning/spend/spend.html", form=form, shown=None), 400
    shown = shown_for(form)
    return render_template(
        "commissioning/spend/spend.html", form=form, shown=shown, period=form.period(),
        chart=spend_figures.chart_rows(shown), freshness=current_freshness("spend"),
        england=spend_figures.ENGLAND_DIRECT_PAYMENT_PERCENT,
        query_string=request.query_string.decode())


@blueprint.route("/spend.csv")
@commissioner_only
def spend_csv():
    form = MarketFilterForm(request.args)
    if not form.validate():
        abort(400)
    return csv_response(spend_figures.csv_rows(shown_for(form)), "spend", form)
