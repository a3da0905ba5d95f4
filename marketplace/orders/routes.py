"""Order pages: ordering a service (form -> check your order -> place), an order's page with
its history and the buttons its viewer may press, "My orders", and the provider's inbox and
invoices. Routes parse, call one domain function, commit once and respond.

Access: every order page goes through orders.services.get_order_for, so anyone who may not see
an order gets a 404 (nobody can probe which orders exist); ordering goes through
accounts.consent ('buy'); the provider pages are for providers only (others 403).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.permissions import role_required, verified_email_required
from marketplace.datarights.views_log import note_view
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ids import parse_id
from marketplace.security import safe_redirect_path
from marketplace.ledger.services import InsufficientFunds
from marketplace.orders import order_box, queries, services
from marketplace.orders.outcome_privacy import may_see_outcome, outcome_for
from marketplace.orders.checkout import budget_label, orderable_service, quote_order
from marketplace.orders.placing import PriceChanged, place_order_once
from marketplace.orders.services import IdempotencyConflict
from marketplace.orders.forms import (
    new_token,
    OrderActionForm,
    OrderDetailsForm,
    PlaceOrderForm,
    StateFilterForm,
)
from marketplace.orders.states import IllegalTransition
from marketplace.orders.action_wording import ACTIONS

blueprint = Blueprint("orders", __name__)
blueprint.add_app_template_global(order_box.spending_notices, "spending_notices")
blueprint.add_app_template_global(order_box.order_box, "order_box")
blueprint.add_app_template_global(queries.order_state_label, "order_state_label")

buyers_only = role_required("holder", "supporter")
provider_only = role_required("provider")


# ---------------------------------------------------------------- ordering


def _buyer_for(holder_id_text) -> User:
    """The person being bought for: the holder themselves, or someone who gave a supporter
    'buy' permission. Anyone else: 404."""
    if holder_id_text in (None, ""):
        return consent.holder_for(current_user, current_user.id, "buy")
    # Not a number any person can have (text, or past the largest id): nobody, so 404.
    return consent.holder_for(current_user, parse_id(holder_id_text) or 0, "buy")


def _form_page(box: order_box.OrderBox, service, status: int = 200):
    return render_template("orders/order_form.html", box=box, service=service), status


@blueprint.route("/services/<int:service_id>/order")
@buyers_only
@verified_email_required
def order_form(service_id: int):
    service = orderable_service(service_id)
    if current_user.role == "supporter" and not request.args.get("holder_id"):
        box = order_box.order_box(service)
        if box.kind != "choose":
            abort(404)
        return _form_page(box, service)
    holder = _buyer_for(request.args.get("holder_id"))
    form = OrderDetailsForm(formdata=request.args) if request.args.get("token") else None
    if form is None and request.args.get("quote_id"):  # "Order at this price", from a need
        form = OrderDetailsForm(formdata=None, data={
            "holder_id": holder.id, "token": new_token(), "quote_id": request.args["quote_id"]})
    return _form_page(order_box.order_form_for(holder, service, form), service)


@blueprint.route("/services/<int:service_id>/order/check")
@buyers_only
@verified_email_required
def check_order(service_id: int):
    service = orderable_service(service_id)
    form = OrderDetailsForm(formdata=request.args)
    holder = _buyer_for(form.holder_id.data)
    box = order_box.order_form_for(holder, service, form)
    if box.kind != "form":
        return _form_page(box, service, 400)
    form.safe_token()
    if form.validate():
        try:
            quote = quote_order(current_user, holder.id, form.order_request(service.id))
        except DomainError as refused:
            form.add_problem(refused.field, refused.message)
        else:
            return render_template("orders/check.html", quote=quote, form=form, service=service,
                                   organisation=quote.budget.managed_by)
    return _form_page(box, service, 400)


@blueprint.route("/services/<int:service_id>/order", methods=["POST"])
@buyers_only
@verified_email_required
def place_order(service_id: int):
    service = orderable_service(service_id)
    form = PlaceOrderForm()
    holder = _buyer_for(form.holder_id.data)
    box = order_box.order_form_for(holder, service, form)
    if box.kind != "form":
        return _form_page(box, service, 400)
    if form.validate_on_submit():
        key = form.safe_token()
        request_ = form.order_request(service.id)
        confirmed = form.confirmed()
        if confirmed is None:  # not sent from the check page: show it, with the price now
            return _check_again(form, holder, service, NOT_CHECKED, 400)
        try:
            order, _ = place_order_once(current_user, holder.id, request_, key,
                                        confirmed=confirmed, key_name="order form")
            db.session.commit()
        except PriceChanged as changed:
            db.session.rollback()
            return _check_again(form, holder, service, changed.message, 409)
        except IdempotencyConflict:
            db.session.rollback()
            form.add_problem(None, USED_FORM)
        except InsufficientFunds as refused:
            db.session.rollback()
            form.add_problem("budget_id", refused.message)
        except DomainError as refused:
            db.session.rollback()
            if refused.status == 404 and refused.field is None:
                raise
            form.add_problem(refused.field, refused.message)
        else:
            return _after_placing(order)
    return _form_page(box, service, 400)


NOT_CHECKED = "Check your order, then press “Place order”."
USED_FORM = ("An order was already placed from this form with other details. To order again, "
             "start from the service's page.")


def _check_again(form: PlaceOrderForm, holder: User, service, message: str, status: int):
    """The check page again, with the figures as they are now and why it is shown again;
    or the order form, if the order cannot be placed as it stands (say, no longer affordable)."""
    try:
        quote = quote_order(current_user, holder.id, form.order_request(service.id))
    except DomainError as refused:
        form.form_errors.append(message)
        form.add_problem(refused.field, refused.message)
        return _form_page(order_box.order_form_for(holder, service, form), service, status)
    form.form_errors.append(message)
    return render_template("orders/check.html", quote=quote, form=form, service=service,
                           organisation=quote.budget.managed_by), status


def _after_placing(order):
    if order.state == "awaiting_payment":
        if "payments.pay_order" in current_app.view_functions:
            return redirect(url_for("payments.pay_order", order_id=order.id))
        flash("Your order is saved. Card payment is not available on Pathways yet, so it has not "
              "been sent to the provider.", "error")
        return redirect(url_for(".order_detail", order_id=order.id))
    flash("Your order is placed and the money is set aside from the budget.", "success")
    return redirect(url_for(".order_detail", order_id=order.id))


# ---------------------------------------------------------------- one order


def _order_page(order, *, status: int = 200, failed_action: str | None = None,
                action_form: OrderActionForm | None = None, problem: str = ""):
    actions = services.allowed_actions(current_user, order)
    return render_template(
        "orders/order_detail.html",
        order=order,
        history=queries.history(order, current_user),
        state_label=queries.order_state_label(order),
        next_step=queries.next_step(order, current_user),
        budget_label=budget_label(order.budget),
        outcome_shown=may_see_outcome(current_user, order),
        outcome=outcome_for(current_user, order),
        actions=[(name, ACTIONS[name]) for name in actions if name in ACTIONS],
        failed_action=failed_action,
        failed_form=action_form,
        problem=problem,
        has_managed_area="managed" in current_app.blueprints,
        can_pay=(order.state == "awaiting_payment"
                 and "payments.pay_order" in current_app.view_functions
                 and consent.may_act_for(current_user, order.holder_id, "buy")),
    ), status


@blueprint.route("/orders/<int:order_id>")
@login_required
def order_detail(order_id: int):
    order = services.get_order_for(current_user, order_id)
    note_view(current_user, order.holder_id, "order", order.id)
    return _order_page(order)


@blueprint.route("/orders/<int:order_id>/actions/<action>", methods=["POST"])
@login_required
def act(order_id: int, action: str):
    order = services.get_order_for(current_user, order_id)
    wording = ACTIONS.get(action)
    if wording is None:
        abort(404)
    form = OrderActionForm()
    valid = form.validate_on_submit()
    note = (form.note.data or "").strip()
    if valid and wording.reason_required and not note:
        form.note.errors = [wording.reason_missing]
        valid = False
    if not valid:
        return _order_page(order, status=400, failed_action=action, action_form=form)
    if wording.confirm and form.confirmed.data != "yes":
        return render_template("orders/confirm_action.html", order=order, action=action,
                               wording=wording, note=note,
                               return_to=safe_redirect_path(form.return_to.data) or "")
    try:
        services.act_on_order(current_user, order.id, action, note)
    except IllegalTransition as refused:
        db.session.rollback()
        status = 403 if refused.code == "forbidden" else 409
        return _order_page(services.get_order_for(current_user, order_id), status=status,
                           problem=refused.message)
    db.session.commit()
    flash(wording.done_message.format(order_id=order.id), "success")
    return redirect(safe_redirect_path(form.return_to.data)
                    or url_for(".order_detail", order_id=order.id))


# ---------------------------------------------------------------- lists


@blueprint.route("/orders", defaults={"holder_id": None})
@blueprint.route("/people/<int:holder_id>/orders")
@login_required
def my_orders(holder_id: int | None):
    if holder_id is None:
        if current_user.role == "supporter":
            return redirect(url_for("supporters.people"))
        if current_user.role == "provider":
            return redirect(url_for(".provider_orders"))
        if current_user.role == "account_manager" and "managed" in current_app.blueprints:
            return redirect(url_for("managed.overview"))
        if current_user.role != "holder":
            abort(403)
        holder = current_user
    else:
        holder = consent.holder_for(current_user, holder_id, "view")
        note_view(current_user, holder.id, "orders")
    form = StateFilterForm(formdata=request.args)
    form.state.choices = [("", "All orders")] + queries.state_choices()
    try:
        state = queries.parse_state(form.state.data)
    except ValueError:
        form.state.errors = ["Choose one of the kinds of order in the list"]
        state, status = None, 400
    else:
        status = 200
    return render_template(
        "orders/my_orders.html", holder=holder, holder_id=holder_id, form=form,
        orders=queries.orders_for_holder(holder.id, state), state_label=queries.state_label,
        order_state_label=queries.order_state_label,
        can_buy=consent.may_act_for(current_user, holder.id, "buy"),
    ), status


@blueprint.route("/provider/orders")
@provider_only
def provider_orders():
    provider = current_user.provider
    groups = queries.provider_inbox(provider.id) if provider is not None else []
    return render_template(
        "orders/provider_orders.html", provider=provider, groups=groups,
        allowed_actions=lambda order: [
            (name, ACTIONS[name]) for name in services.allowed_actions(current_user, order)
        ],
        state_label=queries.order_state_label,
    )


@blueprint.route("/provider/orders/<int:order_id>/invoice")
@provider_only
def invoice(order_id: int):
    order = services.get_order_for(current_user, order_id)
    return render_template("orders/invoice.html", order=order, provider=order.provider,
                           state_label=queries.order_state_label(order),
                           ended_as=queries.shown_state(order),
                           outcome=outcome_for(current_user, order))
