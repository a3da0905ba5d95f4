"""The commissioners' equality and access view (/commissioning/equality and its CSV):
languages, specialisms, evening and weekend cover and rural districts, asked for against
offered. Commissioners only; every figure passes through disclosure control."""
from __future__ import annotations

from flask import abort, render_template, request

from marketplace.commissioning import equality_figures
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.equality import equality
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.summary_refresh import current_freshness
from marketplace.commissioning.tables import csv_response


def _shown(form: MarketFilterForm) -> equality_figures.ShownEquality:
    return equality_figures.shown_equality(equality(form.market_query()), current_rule())


@blueprint.route("/equality", endpoint="equality")
@commissioner_only
def equality_view():
    form = MarketFilterForm(request.args)
    if not form.validate():
        return render_template("commissioning/equality/equality.html", form=form, shown=None), 400
    shown = _shown(form)
    return render_template("commissioning/equality/equality.html", form=form, shown=shown,
                           chart=equality_figures.asked_chart(shown.languages),
                           specialism_chart=equality_figures.asked_chart(shown.specialisms),
                           period=form.period(), freshness=current_freshness("equality"),
                           query_string=request.query_string.decode())


@blueprint.route("/equality.csv")
@commissioner_only
def equality_csv():
    form = MarketFilterForm(request.args)
    if not form.validate():
        abort(400)
    return csv_response(equality_figures.csv_rows(_shown(form)), "equality-and-access", form)
