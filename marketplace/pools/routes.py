"""Pool pages: start a pool from a poolable service, see one (members, invitees and, for open
pools, anyone with a budget), pledge, leave, save a card or pay a missing share, "My pools",
and the managed-account staff's approvals. Routes parse, call one domain function, commit
once and respond; everything a person may not see is 404 (pools.access)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.accounts import consent, home_area
from marketplace.accounts.permissions import role_required, verified_email_required
from marketplace.budgets.models import Budget, OrganisationMember
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ids import parse_id
from marketplace.ledger.services import InsufficientFunds
from marketplace.money import format_pence
from marketplace.orders.checkout import budget_options
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.card_forms import StripeElementsForm, TestCardForm
from marketplace.pools import access, cards, services, shares
from marketplace.pools.forms import (
    ConfirmForm,
    JoinCustomShareForm,
    JoinPoolForm,
    RefusePledgeForm,
    StartPoolForm,
)
from marketplace.pools.models import Pool, PoolMember, set_aside
from marketplace.pools.shares import most_anyone_pays
from marketplace.providers.models import Service
from marketplace.times import london_today
from marketplace.areas import area_label

blueprint = Blueprint("pools", __name__)
buyers_only = role_required("holder", "supporter")
staff_only = role_required("account_manager")


def pools_on_service(service: Service) -> dict:
    """For the service page: the pools anyone may join, and whether this person may start one."""
    user = current_user
    may_start = (service.poolable and service.price_pence > 0 and service.is_active
                 and user.is_authenticated and user.role in ("holder", "supporter"))
    return {"open": access.open_pools_for(user, service_id=service.id) if service.poolable
            else [], "may_start": may_start}


blueprint.add_app_template_global(pools_on_service, "pools_on_service")


def pooling_notes(service_id: int) -> list[tuple[str, str]]:
    """For a search result, to a logged-in budget holder only (their result pages are never
    cached, so the counts are live): ("3 people in Salford are pooling for this", link)."""
    if not (current_user.is_authenticated and current_user.role == "holder"):
        return []
    notes = []
    for pool in access.open_pools_for(current_user, service_id=service_id):
        people = "1 person" if pool.member_count == 1 else f"{pool.member_count} people"
        authority = access.pool_authority(pool)
        where = f" in {area_label(authority)}" if authority else ""
        notes.append((f"{people}{where} {'is' if pool.member_count == 1 else 'are'} pooling "
                      f"for this", url_for("pools.pool_page", pool_id=pool.id)))
    return notes


blueprint.add_app_template_global(pooling_notes, "pooling_notes")


def _holder(holder_id_text):
    if holder_id_text in (None, ""):
        return consent.holder_for(current_user, current_user.id, "buy")
    return consent.holder_for(current_user, parse_id(holder_id_text) or 0, "buy")


def _budget_choices(form, holder, service):
    options = budget_options(holder, service)
    form.budget_id.choices = [
        (option.budget.id, f"{option.label}: {format_pence(option.available_pence)} available")
        for option in options if option.problem is None]
    if form.budget_id.data is None and len(form.budget_id.choices) == 1:
        form.budget_id.data = form.budget_id.choices[0][0]
    return options


#: The services name a field as the API does; the form's field, where its name differs.
_FORM_FIELDS = {shares.SHARES_FIELD: "shares"}


def _show_field_error(form, error: DomainError) -> bool:
    field = getattr(form, _FORM_FIELDS.get(error.field, error.field or ""), None)
    if field is None:
        return False
    field.errors = list(field.errors) + [error.message]
    return True


# ---------------------------------------------------------------- starting


@blueprint.route("/services/<int:service_id>/pools/new", methods=["GET", "POST"])
@login_required
@buyers_only
@verified_email_required
def start(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None or not service.is_active or not service.poolable:
        abort(404)
    holder = _holder(request.values.get("holder_id"))
    form = StartPoolForm()
    options = _budget_choices(form, holder, service)
    if request.method == "GET":
        form.title.data = service.title
        form.sessions.process_data(1)
        form.min_members.process_data(2)
        form.max_members.process_data(service.capacity or 6)
        form.closing_date.data = london_today() + timedelta(days=14)
        form.display_name.data = holder.display_name.split()[0]
    status = 200
    if form.validate_on_submit():
        pool_request = services.PoolRequest(
            service_id=service.id, sessions=form.sessions.number,
            min_members=form.min_members.number or 0, max_members=form.max_members.number or 0,
            deadline_on=form.closing_date.data, open_to=form.open_to.data,
            title=form.title.data or "", what_it_buys=form.what_it_buys.data or "",
            shares_pence=form.shares_pence)
        pledge = services.Pledge(form.budget_id.data, form.display_name.data)
        try:
            started = services.start_pool(current_user, holder.id, pool_request, pledge)
        except (DomainError, InsufficientFunds) as refused:
            db.session.rollback()
            if not _show_field_error(form, refused):
                form.form_errors.append(refused.message)
            status = 400
        else:
            db.session.commit()
            flash("Your pool is started and your share is set aside. Send the invite link "
                  "to people you want to join.", "success")
            return redirect(url_for(".pool_page", pool_id=started.pool.id,
                                    invite=started.invite_token))
    elif request.method == "POST":
        status = 400
    example = london_today() + timedelta(days=14)
    return render_template("pools/start.html", form=form, service=service, holder=holder,
                           options=options,
                           example_day=f"{example.day} {example.month} {example.year}"), status


# ---------------------------------------------------------------- one pool


def _page(pool: Pool, status: int = 200, **context):
    mine = access.members_acted_for(current_user, pool)
    join_form = context.pop("join_form", None)
    holder = None
    if not mine and pool.state in access.TAKING_PLEDGES and current_user.role in (
            "holder", "supporter"):
        holders = access.holders_who_may_join(current_user, pool,
                                              invited=access.was_invited(pool))
        holder = holders[0] if holders else None
        if holder is not None and join_form is None:
            join_form = _join_form(pool, formdata=None)
            join_form.display_name.data = holder.display_name.split()[0]
        if holder is not None:
            _budget_choices(join_form, holder, pool.service)
            _share_choices(join_form, pool)
    return render_template(
        "pools/pool.html", pool=pool, mine=mine, join_form=join_form, join_holder=holder,
        most_anyone_pays=most_anyone_pays(pool.target_pence, pool.min_members),
        pledged_pence=sum(set_aside(m) for m in pool.live_members),
        needs_an_area=access.needs_an_area(current_user),
        invite_token=request.args.get("invite") if pool.started_by_id == current_user.id
        else None, **context), status


def _join_form(pool: Pool, **kwargs) -> JoinPoolForm:
    return JoinCustomShareForm(**kwargs) if pool.custom else JoinPoolForm(**kwargs)


def _share_choices(form, pool: Pool) -> None:
    if pool.custom:
        form.share_pence.choices = [
            (amount, f"{format_pence(amount)} ({count} place{'s' if count > 1 else ''} open)")
            for amount, count in shares.choices(pool)]


@blueprint.route("/pools/<int:pool_id>")
@login_required
def pool_page(pool_id: int):
    pool = db.session.get(Pool, pool_id)
    if pool is not None:
        access.accept_invite(pool, request.args.get("invite"))
    try:
        return _page(access.pool_for(current_user, pool_id))
    except NotFound:
        if not access.needs_an_area(current_user):
            raise
        # The same 404 for every pool, so it says nothing of which ones exist.
        return render_template("pools/add_your_area.html"), 404


@blueprint.route("/pools/<int:pool_id>/join", methods=["POST"])
@login_required
@buyers_only
@verified_email_required
def join(pool_id: int):
    pool = access.pool_for(current_user, pool_id)
    holder = _holder(request.form.get("holder_id"))
    if holder not in access.holders_who_may_join(current_user, pool,
                                                 invited=access.was_invited(pool)):
        abort(404)  # a supporter may see it for someone else, not for this person
    form = _join_form(pool)
    _budget_choices(form, holder, pool.service)
    _share_choices(form, pool)
    if not form.validate_on_submit():
        return _page(pool, 400, join_form=form)
    try:
        services.join_pool(current_user, holder.id, pool.id, services.Pledge(
            form.budget_id.data, form.display_name.data,
            form.share_pence.data if pool.custom else None))
    except (DomainError, InsufficientFunds) as refused:
        db.session.rollback()
        if not _show_field_error(form, refused):
            form.form_errors.append(refused.message)
        return _page(access.pool_for(current_user, pool_id), refused.status if isinstance(
            refused, DomainError) else 400, join_form=form)
    db.session.commit()
    flash("Your share is set aside. Nothing is paid unless the whole group goes ahead.",
          "success")
    return redirect(url_for(".pool_page", pool_id=pool.id))


def _my_member(pool: Pool, member_id_text) -> PoolMember:
    member_id = parse_id(member_id_text) or 0
    for member in access.members_acted_for(current_user, pool):
        if member.id == member_id:
            return member
    abort(404)


@blueprint.route("/pools/<int:pool_id>/leave", methods=["POST"])
@login_required
@buyers_only
def leave(pool_id: int):
    pool = access.pool_for(current_user, pool_id)
    member = _my_member(pool, request.form.get("member_id"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirmed.data != "yes":
        return render_template("pools/confirm_leave.html", pool=pool, member=member)
    try:
        services.leave_pool(current_user, member.id)
    except DomainError as refused:
        db.session.rollback()
        return _page(pool, refused.status, problem=refused.message)
    db.session.commit()
    flash("You have left the pool. Every penny of your pledge is back in your budget.",
          "success")
    return redirect(url_for(".pool_page", pool_id=pool.id))


@blueprint.route("/pools/<int:pool_id>/card", methods=["GET", "POST"])
@login_required
@buyers_only
def card(pool_id: int):
    pool = access.pool_for(current_user, pool_id)
    member = _my_member(pool, request.values.get("member_id"))
    if member.route != "direct":
        abort(404)
    local = gateway.uses_local_test_server()
    form = TestCardForm() if local else StripeElementsForm()
    paying_now = pool.state == "short"
    form.submit.label.text = "Pay my share now" if paying_now else "Save my card"
    status = 200
    if form.validate_on_submit():
        details = {"card": form.card_details()} if local else {
            "payment_method_id": form.payment_method_id.data}
        details["return_url"] = url_for("pools.bank_return", pool_id=pool.id,
                                        member_id=member.id, _external=True)
        try:
            if paying_now:
                cards.pay_share_now(current_user, member.id, **details)
            else:
                cards.save_card(current_user, member.id, **details)
        except cards.BankCheckNeeded:
            return redirect(url_for("pools.bank_check", pool_id=pool.id, member_id=member.id))
        except DomainError as refused:
            db.session.rollback()
            field = form.card_number if local else form.payment_method_id
            field.errors = list(field.errors) + [refused.message]
            status = 402
        else:
            db.session.commit()
            flash("Your share is paid." if paying_now else
                  "Your card is saved. Nothing is taken unless the whole group goes ahead.",
                  "success")
            return redirect(url_for(".pool_page", pool_id=pool.id))
    elif request.method == "POST":
        status = 400
    return render_template("pools/card.html", pool=pool, member=member, form=form,
                           local=local, paying_now=paying_now,
                           publishable_key=gateway.publishable_key()), status


# ---------------------------------------------------------------- lists


@blueprint.route("/pools")
@login_required
def my_pools():
    return render_template("pools/my_pools.html", mine=access.my_pools(current_user),
                           open_pools=access.open_pools_for(current_user),
                           needs_an_area=access.needs_an_area(current_user),
                           areas=[(holder, home_area.describe(holder))
                                  for holder in access.buying_for(current_user)])


# ---------------------------------------------------------------- managed-account staff


def _pledges_waiting(user) -> list[PoolMember]:
    organisations = sa.select(OrganisationMember.organisation_id).where(
        OrganisationMember.user_id == user.id)
    return list(db.session.scalars(
        sa.select(PoolMember).join(Budget, Budget.id == PoolMember.budget_id)
        .join(Pool, Pool.id == PoolMember.pool_id)
        .where(Budget.managed_by_id.in_(organisations), PoolMember.route == "managed",
               PoolMember.state.in_(("pledged", "failed")),
               Pool.state.in_(("open", "collecting", "short")))
        .order_by(PoolMember.id)))


@blueprint.route("/managed/pool-pledges")
@login_required
@staff_only
def approvals():
    return render_template("pools/approvals.html", waiting=_pledges_waiting(current_user),
                           refuse_form=RefusePledgeForm(formdata=None))


@blueprint.route("/managed/pool-pledges/<int:member_id>/<action>", methods=["POST"])
@login_required
@staff_only
def decide(member_id: int, action: str):
    if action not in ("approve", "refuse"):
        abort(404)
    form = RefusePledgeForm()
    try:
        if action == "approve":
            if not ConfirmForm().validate_on_submit():
                abort(400)
            services.approve_pledge(current_user, member_id)
        else:
            if not form.validate_on_submit():
                return render_template("pools/approvals.html",
                                       waiting=_pledges_waiting(current_user),
                                       refuse_form=form, failed_id=member_id), 400
            services.refuse_pledge(current_user, member_id, form.reason.data)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".approvals"))
    db.session.commit()
    flash("The pledge is approved." if action == "approve" else
          "The pledge is not approved; the money is back in the person's budget.", "success")
    return redirect(url_for(".approvals"))


from marketplace.pools import bank_routes  # noqa: E402,F401  (3-D Secure pages, same blueprint)
