"""Pages for paying a direct-payment order by card, and the Stripe webhook endpoint.

/orders/<id>/pay is for the order's holder or a supporter with the 'buy' scope; anyone else
gets 404 (consent). The page works without JavaScript: with the local test payment server the
test card is typed on our page; with real Stripe, Stripe.js Elements takes the card (our
server never sees the number) and 3-D Secure is a redirect to the bank and back.
POST /payments/stripe/webhook is CSRF-exempt and answers JSON: 400 for a bad signature,
200 otherwise (also for replays).
"""
from __future__ import annotations

from pathlib import Path

from flask import (Blueprint, Response, current_app, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from marketplace.extensions import csrf
from marketplace.orders.queries import who_paid
from marketplace.payments import card_payments, webhooks
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.card_forms import AuthenticationForm, StripeElementsForm, TestCardForm
from marketplace.payments.card_payments import NothingToPay, PaymentInProgress
from marketplace.payments.stripe_gateway import (CardDeclined, CardServiceError,
                                                 CardServiceUnavailable, InvalidWebhook)

blueprint = Blueprint("payments", __name__)

TEST_CARDS = (
    ("4242 4242 4242 4242", "the payment succeeds"),
    ("4000 0000 0000 0341", "the card is declined"),
    ("4000 0025 0000 3155", "the bank asks you to confirm the payment (3-D Secure)"),
)
STRIPE_JS_POLICY = "; ".join([
    "default-src 'self'", "img-src 'self' data:", "style-src 'self'",
    "script-src 'self' https://js.stripe.com", "frame-src https://js.stripe.com https://hooks.stripe.com",
    "connect-src 'self' https://api.stripe.com", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
])


def _order_link(order_id: int) -> str | None:
    try:
        return url_for("orders.order_detail", order_id=order_id)
    except Exception:  # the orders pages may not be registered (yet)
        return None


def _page(template: str, status: int = 200, **context):
    local = gateway.uses_local_test_server()
    order, payment = context["order"], context.get("payment")
    # A supporter pays for someone else: the page says whose order and budget it is.
    whose = ("your" if order.holder_id == current_user.id
             else f"{order.holder.display_name}'s")
    paid_by = who_paid(payment.paid_by, order.holder, current_user) if payment else None
    response = Response(render_template(
        template, local=local, test_cards=TEST_CARDS, publishable_key=gateway.publishable_key(),
        whose=whose, paid_by=paid_by, **context), status=status)
    if not local:
        response.headers["Content-Security-Policy"] = STRIPE_JS_POLICY
    return response


@blueprint.route("/orders/<int:order_id>/pay", methods=["GET", "POST"])
@login_required
def pay_order(order_id: int):
    order = card_payments.payable_order_for(current_user, order_id)
    latest = card_payments.latest_payment(order)
    paid = card_payments.succeeded_payment(order)
    common = {"order": order, "order_link": _order_link(order.id)}
    if paid is not None or order.state != "awaiting_payment":
        return _page("payments/paid.html", payment=paid, **common)
    if latest is not None and latest.status == "requires_action" and request.method == "GET":
        return _page("payments/authenticate.html", payment=latest, form=AuthenticationForm(),
                     bank_url=card_payments.bank_page_url(latest), **common)
    if latest is not None and latest.status == "processing" and request.method == "GET":
        return _page("payments/processing.html", payment=latest, **common)

    form = TestCardForm() if gateway.uses_local_test_server() else StripeElementsForm()
    problem, status = None, 200
    if latest is not None and latest.status == "failed" and request.method == "GET":
        problem = f"Your last try did not go through. {latest.failure_message}"
    if form.validate_on_submit():
        try:
            card_payments.pay_order_by_card(
                current_user, order.id,
                card=form.card_details() if isinstance(form, TestCardForm) else None,
                payment_method_id=None if isinstance(form, TestCardForm) else form.payment_method_id.data,
                return_url=url_for("payments.payment_return", order_id=order.id, _external=True),
            )
        except CardDeclined as error:
            target = form.card_number if isinstance(form, TestCardForm) else form.payment_method_id
            target.errors = [*target.errors, error.message]
            status = 402
        except (CardServiceUnavailable, CardServiceError, PaymentInProgress, NothingToPay) as error:
            problem, status = error.message, error.status
        else:
            return redirect(url_for("payments.pay_order", order_id=order.id))
    elif request.method == "POST":
        status = 422
    return _page("payments/pay.html", status=status, form=form, problem=problem, **common)


@blueprint.route("/orders/<int:order_id>/pay/authenticate", methods=["POST"])
@login_required
def authenticate(order_id: int):
    """The test bank's answer to 3-D Secure (local test server only)."""
    order = card_payments.payable_order_for(current_user, order_id)
    form = AuthenticationForm()
    if not form.validate_on_submit() or not gateway.uses_local_test_server():
        return redirect(url_for("payments.pay_order", order_id=order.id))
    try:
        card_payments.continue_after_authentication(current_user, order.id,
                                                    success=bool(form.confirm.data))
    except CardDeclined as error:
        return _retry_page(order, error.message, error.status)
    except (CardServiceUnavailable, CardServiceError, NothingToPay) as error:
        return _retry_page(order, error.message, error.status)
    return redirect(url_for("payments.pay_order", order_id=order.id))


@blueprint.route("/orders/<int:order_id>/pay/check")
@login_required
def payment_return(order_id: int):
    """Where the bank sends people back (real Stripe), and 'check again' while processing."""
    order = card_payments.payable_order_for(current_user, order_id)
    try:
        payment = card_payments.check_payment(current_user, order.id)
    except (CardServiceUnavailable, CardServiceError) as error:
        return _retry_page(order, error.message, error.status)
    if payment is not None and payment.status == "processing":
        return _page("payments/processing.html", order=order, payment=payment,
                     order_link=_order_link(order.id))
    return redirect(url_for("payments.pay_order", order_id=order.id))


def _retry_page(order, message: str, status: int):
    form = TestCardForm() if gateway.uses_local_test_server() else StripeElementsForm()
    return _page("payments/pay.html", status=status, form=form, problem=message, order=order,
                 order_link=_order_link(order.id))


@blueprint.route("/payments/card-form.js")
def card_form_script():
    """Stripe.js Elements for the real-Stripe card field (progressive enhancement)."""
    path = Path(current_app.template_folder) / "payments" / "card_form.js"
    return Response(path.read_text(), mimetype="application/javascript")


@blueprint.route("/payments/stripe/webhook", methods=["POST"])
@csrf.exempt
def stripe_webhook():
    try:
        outcome = webhooks.handle_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    except InvalidWebhook as error:
        return jsonify(error={"code": error.code, "message": error.message}), 400
    return jsonify(received=True, outcome=outcome)
