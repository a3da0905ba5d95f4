"""Needs board pages: holders (and supporters with the buy scope) post needs, compare quotes,
accept one or start a pool from it, decline the rest, and meet neighbours who need the same;
providers see the needs they serve, without names, and quote. Routes parse, call one domain
function, commit once and respond; everything a person may not see is 404 (needs.access)."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace import areas, vocabulary
from marketplace.accounts import consent
from marketplace.accounts.permissions import verified_email_required
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ids import parse_id
from marketplace.ledger.services import InsufficientFunds
from marketplace.money import format_pence, pence_to_pounds_text
from marketplace.needs import access, answers, expiry, services
from marketplace.needs import peers as matching
from marketplace.needs.forms import NeedForm, PoolFromQuoteForm, QuoteForm
from marketplace.needs.models import Quote
from marketplace.pools import services as pools
from marketplace.pools.forms import ConfirmForm
from marketplace.pools.routes import _budget_choices, _show_field_error
from marketplace.pools.shares import most_anyone_pays
from marketplace.times import london_today

blueprint = Blueprint("needs", __name__)


def _only(*roles):
    """Logged in with one of these roles; anyone else gets 404, as for a need they may not see."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


buyers_only = _only("holder", "supporter")
providers_only = _only("provider")


def _refused(form, refused: DomainError | InsufficientFunds) -> int:
    db.session.rollback()
    if not _show_field_error(form, refused):
        form.form_errors.append(refused.message)
    return refused.status if isinstance(refused, DomainError) else 400


# ---------------------------------------------------------------- holders


@blueprint.route("/needs")
@buyers_only
def my_needs():
    return render_template("needs/my_needs.html", needs=access.my_needs(current_user),
                           may_post=bool(consent.holders_for(current_user, "buy")))


@blueprint.route("/needs/new", methods=["GET", "POST"])
@buyers_only
@verified_email_required
def post():
    holders = consent.holders_for(current_user, "buy")
    chosen = request.values.get("holder_id")
    holder_id = (parse_id(chosen) or 0) if chosen else (holders[0].id if holders else 0)
    holder = consent.holder_for(current_user, holder_id, "buy")
    form = NeedForm()
    status = 200
    if form.validate_on_submit():
        details = services.NeedDetails(
            words=form.words.data or "", category=form.category.data,
            local_authority=form.local_authority.data, timing=form.timing.data,
            budget_low_pence=form.budget_low.pence, budget_high_pence=form.budget_high.pence,
            postcode_district=form.postcode_district.data or "",
            language=form.language.data or "", specialism=form.specialism.data or "",
            would_pool=form.would_pool.data,
            group_size=form.group_size.number or 1, peers_consent=form.peers_consent.data)
        try:
            need = services.post_need(current_user, holder.id, details)
        except DomainError as refused:
            status = _refused(form, refused)
        else:
            db.session.commit()
            flash("Your need is posted. Providers who offer this near you can now see it, "
                  "without your name, and send you quotes.", "success")
            return redirect(url_for(".need_page", need_id=need.id))
    elif request.method == "POST":
        status = 400
    return render_template("needs/post.html", form=form, holder=holder,
                           holders=holders), status


def _need_page(need, status: int = 200, **context):
    quotes = need.standing_quotes
    return render_template(
        "needs/need.html", need=need, quotes=quotes,
        may_change=consent.may_act_for(current_user, need.holder_id, "buy"),
        peer_count=len(matching.find_peers(need)) if need.is_open else 0,
        live_count=sum(quote.state == "live" for quote in quotes),
        last_day_open=expiry.last_day_open(need), **context), status


@blueprint.route("/needs/<int:need_id>")
@buyers_only
def need_page(need_id: int):
    return _need_page(access.need_for_holder(current_user, need_id))


@blueprint.route("/needs/<int:need_id>/close", methods=["POST"])
@buyers_only
def close(need_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.close_need(current_user, need_id)
    except DomainError as refused:
        db.session.rollback()
        if refused.status == 404:
            raise
        return _need_page(access.need_for_holder(current_user, need_id), refused.status,
                          problem=refused.message)
    db.session.commit()
    flash("Your need is closed. Providers no longer see it.", "success")
    return redirect(url_for(".need_page", need_id=need_id))


@blueprint.route("/needs/<int:need_id>/decline-others", methods=["POST"])
@buyers_only
def decline_others(need_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        declined = answers.decline_other_quotes(current_user, need_id)
    except DomainError as refused:
        db.session.rollback()
        if refused.status == 404:
            raise
        return _need_page(access.need_for_holder(current_user, need_id), refused.status,
                          problem=refused.message)
    db.session.commit()
    flash(f"{declined} quote{'s' if declined != 1 else ''} declined. Each provider got a kind "
          "note thanking them.", "success")
    return redirect(url_for(".need_page", need_id=need_id))


def _quote_or_problem(need_id: int, quote_id: int):
    """The quote to answer, or the need page saying why it cannot be (expired, answered)."""
    try:
        return answers.quote_to_answer(current_user, need_id, quote_id), None
    except DomainError as refused:
        if refused.status == 404:
            raise
        return None, _need_page(access.need_for_holder(current_user, need_id),
                                refused.status, problem=refused.message)


@blueprint.route("/needs/<int:need_id>/quotes/<int:quote_id>/accept", methods=["GET", "POST"])
@buyers_only
@verified_email_required
def accept(need_id: int, quote_id: int):
    quote, problem_page = _quote_or_problem(need_id, quote_id)
    if problem_page:
        return problem_page
    need = quote.need
    if need.would_pool:
        return _accept_into_pool(quote)
    # Not to be pooled: accepting is ordering it at the quoted price, through the order form.
    on_behalf = {} if need.holder_id == current_user.id else {"holder_id": need.holder_id}
    return redirect(url_for("orders.order_form", service_id=quote.service_id,
                            quote_id=quote.id, **on_behalf))


def _accept_into_pool(quote: Quote):
    need = quote.need
    holder = need.holder
    form = PoolFromQuoteForm()
    options = _budget_choices(form, holder, quote.service)
    if request.method == "GET":
        form.title.data = quote.service.title
        form.min_members.process_data(2)
        form.max_members.process_data(max(2, min(need.group_size, 50)))
        form.closing_date.data = london_today() + timedelta(days=14)
        form.display_name.data = holder.display_name.split()[0]
    status = 200
    if form.validate_on_submit():
        request_ = pools.PoolRequest(
            service_id=quote.service_id, sessions=quote.sessions,
            min_members=form.min_members.number, max_members=form.max_members.number,
            deadline_on=form.closing_date.data, open_to=form.open_to.data,
            title=form.title.data or "", what_it_buys=form.what_it_buys.data or "")
        try:
            started = answers.accept_quote_into_pool(
                current_user, need.id, quote.id, request_,
                pools.Pledge(form.budget_id.data, form.display_name.data))
        except (DomainError, InsufficientFunds) as refused:
            status = _refused(form, refused)
        else:
            db.session.commit()
            flash(f"You accepted the quote from {started.pool.provider.name} and started a "
                  "pool from it. Your share is set aside. Send the invite link to people you "
                  "want to join.", "success")
            return redirect(url_for("pools.pool_page", pool_id=started.pool.id,
                                    invite=started.invite_token))
    elif request.method == "POST":
        status = 400
    return render_template("needs/accept_pool.html", form=form, need=need, quote=quote,
                           holder=holder, options=options,
                           most_share=most_anyone_pays(quote.total_pence, 2)), status


@blueprint.route("/needs/<int:need_id>/peers")
@buyers_only
def peers(need_id: int):
    need = access.need_for_holder(current_user, need_id)
    return render_template("needs/peers.html", need=need, peers=matching.find_peers(need),
                           services=matching.poolable_services_for(need),
                           pools=matching.open_pools_for(need))


# ---------------------------------------------------------------- providers


@blueprint.route("/provider/needs")
@providers_only
def provider_needs():
    provider = current_user.provider
    needs = services.needs_served_by(provider) if provider is not None else []
    return render_template("needs/provider_needs.html", needs=needs, provider=provider)


def _fill_quote_form(form: QuoteForm, quote: Quote | None, choices) -> None:
    form.service_id.choices = choices
    if request.method != "GET":
        return
    if quote is not None:
        form.service_id.data = quote.service_id
        form.price.data = pence_to_pounds_text(quote.price_pence)
        form.price_unit.data = quote.price_unit
        form.sessions.process_data(quote.sessions)
        form.starts_on.data = quote.starts_on
        form.expires_on.data = quote.expires_on
        form.message.data = quote.message
    else:
        form.expires_on.data = london_today() + timedelta(days=14)
        form.sessions.process_data(1)
        if len(choices) == 1:
            form.service_id.data = choices[0][0]


@blueprint.route("/provider/needs/<int:need_id>", methods=["GET", "POST"])
@providers_only
def provider_need(need_id: int):
    need, quote = access.need_for_provider(current_user, need_id)
    provider = current_user.provider
    offered = services.services_for(provider, need) if need.is_open else []
    form = QuoteForm()
    _fill_quote_form(form, quote, [
        (service.id, f"{service.title} ({format_pence(service.price_pence)} "
         f"{vocabulary.label(vocabulary.PRICE_UNITS, service.price_unit)})")
        for service in offered])
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            details = services.QuoteDetails(
                service_id=form.service_id.data, price_pence=form.price.pence,
                price_unit=form.price_unit.data, sessions=form.sessions.number,
                expires_on=form.expires_on.data, starts_on=form.starts_on.data,
                message=form.message.data or "")
            try:
                services.give_quote(current_user, need.id, details)
            except DomainError as refused:
                status = _refused(form, refused)
            else:
                db.session.commit()
                flash("Your quote is sent. You can change or withdraw it until the person "
                      "answers.", "success")
                return redirect(url_for(".provider_need", need_id=need.id))
        else:
            status = 400
    # The holder is named only to a provider whose quote they ordered, as any order names them.
    ordered = quote is not None and quote.state == "accepted" and quote.order_id is not None
    return render_template("needs/provider_need.html", need=need, quote=quote, form=form,
                           offered=offered, holder=need.holder if ordered else None,
                           area=areas.authority_name(need.local_authority)), status


@blueprint.route("/provider/needs/<int:need_id>/withdraw", methods=["POST"])
@providers_only
def withdraw(need_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_quote(current_user, need_id)
    except DomainError as refused:
        db.session.rollback()
        if refused.status == 404:
            raise
        flash(refused.message, "error")
        return redirect(url_for(".provider_need", need_id=need_id))
    db.session.commit()
    flash("Your quote is withdrawn.", "success")
    return redirect(url_for(".provider_need", need_id=need_id))
