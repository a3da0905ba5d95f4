"""Outcomes and quality (/commissioning/quality): who said their support helped, ratings by
month, moderation outcomes and the services to review; one service's evidence with the
decisions recorded on it. Commissioners only; figures through disclosure control."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.commissioning import decisions, quality_figures, tables
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.quality_forms import DecisionForm
from marketplace.commissioning.quality_view import quality_view, services_to_review
from marketplace.commissioning.routes import blueprint, commissioner_only
from marketplace.commissioning.tables import csv_response
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.times import utcnow


@blueprint.route("/quality")
@commissioner_only
def quality():
    form = MarketFilterForm(request.args)
    if not form.validate():
        return render_template("commissioning/quality/view.html", form=form, shown=None,
                               worked_out_at=utcnow()), 400
    query = form.market_query()
    candidates = services_to_review(query)
    latest = decisions.latest_decisions([c.service.id for c in candidates])
    return render_template(
        "commissioning/quality/view.html", form=form, period=form.period(),
        shown=quality_figures.shown_quality(quality_view(query), current_rule()),
        candidates=[(c, quality_figures.shown_tally(c.whole, current_rule()),
                     latest.get(c.service.id)) for c in candidates],
        worked_out_at=utcnow(), query_string=request.query_string.decode())


@blueprint.route("/quality.csv")
@commissioner_only
def quality_csv():
    form = MarketFilterForm(request.args)
    if not form.validate():
        abort(400)
    name, rows = tables.VIEWS["quality"]
    return csv_response(rows(form), name, form)


@blueprint.route("/quality/services/<int:service_id>", methods=["GET", "POST"])
@commissioner_only
def service_quality(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None:
        abort(404)
    filters = MarketFilterForm(request.args)
    if not filters.validate():
        filters = MarketFilterForm(formdata=None)
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            decision = decisions.record_decision(current_user, service.id, form.details())
        except DomainError as refused:
            db.session.rollback()
            getattr(form, refused.field or "decision").errors = [refused.message]
            status = refused.status
        else:
            db.session.commit()
            flash(f"Recorded: {decision.decision_label.lower()}. We will remind you on "
                  f"{decision.look_again_on:%-d %B %Y}.", "success")
            return redirect(url_for(".service_quality", service_id=service.id))
    elif form.is_submitted():
        status = 400
    # One service's evidence: the period only (the area and kind filters are the list's).
    chosen = filters.market_query()
    period = MarketQuery(chosen.since, chosen.until)
    candidate = next((c for c in services_to_review(period) if c.service.id == service.id),
                     None)
    return render_template(
        "commissioning/quality/service.html", service=service, form=form,
        candidate=candidate, period=filters.period(),
        evidence=quality_figures.service_evidence(service.id, period, current_rule()),
        history=decisions.history(service.id), worked_out_at=utcnow()), status
