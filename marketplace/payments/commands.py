"""Command-line commands for card payments.

`flask --app wsgi reconcile`: compare our succeeded card payments and refunds with Stripe's
PaymentIntents and refunds (by id, amount and status), both ways; print each mismatch and exit
with status 1 if there is any.

`flask --app wsgi localstripe`: run the local test payment server on loopback with its state in
the instance folder, delivering webhooks to this app's endpoint with this app's secret.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from marketplace.config import INSTANCE_DIR
from marketplace.extensions import db
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import CardPayment, CardRefund

MONEY_TAKEN = ("succeeded",)
REFUND_MADE = ("succeeded", "pending")


def find_mismatches() -> list[str]:
    """Every disagreement between our records and Stripe's, in plain words."""
    problems: list[str] = []
    payments = db.session.scalars(sa.select(CardPayment).order_by(CardPayment.id)).all()
    by_intent = {p.stripe_payment_intent_id: p for p in payments if p.stripe_payment_intent_id}
    intents = {i["id"]: i for i in gateway.list_payment_intents()}

    for payment in payments:
        if payment.status != "succeeded":
            continue
        intent = intents.get(payment.stripe_payment_intent_id or "")
        if intent is None:
            problems.append(f"Card payment {payment.id} (order {payment.order_id}) is recorded as "
                            f"paid but Stripe has no payment intent {payment.stripe_payment_intent_id}.")
        elif intent["status"] not in MONEY_TAKEN:
            problems.append(f"Card payment {payment.id}: we say succeeded, Stripe says "
                            f"{intent['status']} for {intent['id']}.")
        elif intent["amount"] != payment.amount_pence:
            problems.append(f"Card payment {payment.id}: we recorded {payment.amount_pence} pence, "
                            f"Stripe took {intent['amount']} pence ({intent['id']}).")
    for intent in intents.values():
        if intent["status"] not in MONEY_TAKEN:
            continue
        ours = by_intent.get(intent["id"])
        if ours is None and (intent.get("metadata") or {}).get("card_payment_id"):
            problems.append(f"Stripe took {intent['amount']} pence in {intent['id']} for card payment "
                            f"{intent['metadata']['card_payment_id']}, which we have no record of.")
        elif ours is not None and ours.status != "succeeded":
            problems.append(f"Stripe took {intent['amount']} pence in {intent['id']} but card payment "
                            f"{ours.id} (order {ours.order_id}) is recorded as {ours.status}.")

    refunds = db.session.scalars(sa.select(CardRefund).order_by(CardRefund.id)).all()
    known_refund_ids = {r.stripe_refund_id for r in refunds if r.stripe_refund_id}
    stripe_refunds = {r["id"]: r for r in gateway.list_refunds()}
    for refund in refunds:
        found = stripe_refunds.get(refund.stripe_refund_id or "")
        if refund.status not in REFUND_MADE:
            continue
        if found is None:
            problems.append(f"Card refund {refund.id} is recorded but Stripe has no refund "
                            f"{refund.stripe_refund_id}.")
        elif found["amount"] != refund.amount_pence or found["status"] not in REFUND_MADE:
            problems.append(f"Card refund {refund.id}: we recorded {refund.amount_pence} pence, Stripe "
                            f"has {found['amount']} pence ({found['status']}) in {found['id']}.")
    for found in stripe_refunds.values():
        if found["id"] in known_refund_ids or found["status"] not in REFUND_MADE:
            continue
        if found.get("payment_intent") in by_intent or (found.get("metadata") or {}).get("card_refund_id"):
            problems.append(f"Stripe refunded {found['amount']} pence in {found['id']}, which we "
                            f"have no record of.")
    return problems


@click.command("reconcile")
@with_appcontext
def reconcile_command() -> None:
    """Compare our card payments and refunds with Stripe's; exit 1 on any mismatch."""
    problems = find_mismatches()
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} mismatch(es) between Pathways and Stripe.")
        raise SystemExit(1)
    click.echo("Card payments and refunds agree with Stripe.")


@click.command("localstripe")
@click.option("--port", type=int, default=None, help="Default: the port in STRIPE_API_BASE.")
@click.option("--state-dir", type=click.Path(path_type=Path), default=None,
              help="Default: instance/localstripe.")
@click.option("--from-scratch", is_flag=True, help="Forget earlier test payments.")
@with_appcontext
def localstripe_command(port: int | None, state_dir: Path | None, from_scratch: bool) -> None:
    """Run the local test payment server (loopback only)."""
    try:  # a development tool (the dev extra): production installs never have it
        import localstripe  # noqa: F401
    except ImportError as error:
        raise click.ClickException(
            "localstripe, the local test payment server, is not installed. It is a development "
            "tool: install it with  pip install -e '.[dev]'  (make run does)."
        ) from error
    from marketplace.payments.localstripe_server import serve

    base = urlparse(gateway.api_base())
    if not gateway.uses_local_test_server():
        raise click.ClickException("STRIPE_API_BASE does not point at this machine: "
                                   "the local test payment server is not in use.")
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    serve(port or base.port or 8420, state_dir or INSTANCE_DIR / "localstripe",
          from_scratch=from_scratch, webhook_url=f"{site}/payments/stripe/webhook",
          webhook_secret=gateway.webhook_secret())
