"""Paying for a direct-payment order by card (Stripe PaymentIntents), and refunding it.

Invariants:
- One CardPayment row per attempt to charge a card; an order has at most one attempt in
  progress (a lease on the row's updated_at, taken by compare-and-set) and at most one
  succeeded attempt. A declined attempt is closed (status 'failed', its PaymentIntent
  cancelled) and the next try starts a new row and a new PaymentIntent.
- Our row is written and COMMITTED before each Stripe call that could move money, and the
  outcome is written and committed after it. This module therefore commits at those
  checkpoints, unlike other services: an external call sits between them. The local server
  ignores idempotency keys, so the row is what makes a retry safe: a row with a PaymentIntent
  id is retrieved, never re-created; a row without one is looked up by its metadata (local
  server) or re-created with the same idempotency key (real Stripe replays the first result).
- A payment becomes 'succeeded' exactly once (compare-and-set on the status); only that winner
  moves the order (orders.services.record_card_payment_succeeded). The synchronous path and
  the webhook share this code, so whichever comes first wins and the other is a no-op.
- Nothing is written to the ledger here for a payment that did not succeed: the reservation
  made when the order was placed stays until the order is paid or cancelled.
- Refunds: one full refund per succeeded payment (key "cardpayment-<id>-refund"); before
  creating one we ask Stripe for refunds already made on the intent, so a retry after a lost
  response adopts the first refund instead of refunding twice. Refunds run inside the
  caller's order transaction (cancel, decline, refund), so if Stripe cannot be reached the
  whole order change is refused and nothing moves.
"""
from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.payments.stripe_gateway import (
    CardDeclined,
    CardServiceError,
    CardServiceUnavailable,
)

log = logging.getLogger(__name__)

#: Attempts that may still end in a charge.
LIVE_STATES = ("creating", "requires_payment_method", "requires_confirmation",
               "requires_action", "processing")
#: Stripe statuses we store as they are.
STRIPE_STATES = ("requires_payment_method", "requires_confirmation", "requires_action",
                 "processing", "succeeded")

#: A released attempt looks this old, so any lease length lets the next request take it.
RELEASED_AGE = timedelta(days=1)

REFUND_UNAVAILABLE_MESSAGE = (
    "We could not reach the card payment service, so the card payment could not be refunded "
    "yet. Nothing has changed. Please try again in a few minutes."
)


class PaymentInProgress(DomainError):
    status = 409
    code = "payment_in_progress"


class NothingToPay(DomainError):
    status = 409
    code = "nothing_to_pay"


@dataclass(frozen=True)
class TestCard:
    """Card details typed on our own page: only ever with the local test server."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str


# ---------------------------------------------------------------- access and reading


def payable_order_for(actor: User, order_id: int) -> Order:
    """A direct-payment order the actor may pay: its holder, or a supporter with 'buy'."""
    order = db.session.get(Order, order_id)
    if (order is None or order.route != "direct"
            or not consent.may_act_for(actor, order.holder_id, "buy")):
        raise NotFound("We could not find that order.")
    return order


def payments_for(order: Order) -> list[CardPayment]:
    return list(db.session.scalars(
        sa.select(CardPayment).where(CardPayment.order_id == order.id).order_by(CardPayment.id)
    ))


def latest_payment(order: Order) -> CardPayment | None:
    found = payments_for(order)
    return found[-1] if found else None


def succeeded_payment(order: Order) -> CardPayment | None:
    return next((p for p in payments_for(order) if p.status == "succeeded"), None)


def _key(payment: CardPayment, step: str) -> str:
    return f"{payment.idempotency_key}-{step}"


# ---------------------------------------------------------------- paying


def pay_order_by_card(actor: User, order_id: int, *, card: TestCard | None = None,
                      payment_method_id: str | None = None,
                      return_url: str | None = None) -> CardPayment:
    """Charge the order's total to a card and, if it succeeds, move the order on.

    Returns the attempt: 'succeeded', 'requires_action' (the bank must confirm: see
    continue_after_authentication) or 'processing'. Raises CardDeclined (the attempt is
    closed; try another card), CardServiceUnavailable (nothing known to be charged; a retry
    finishes the job), PaymentInProgress or NothingToPay. Commits.
    """
    order = payable_order_for(actor, order_id)
    paid = succeeded_payment(order)
    if paid is not None:
        _move_order_if_waiting(order, paid)
        db.session.commit()
        return paid
    if order.state != "awaiting_payment":
        raise NothingToPay("This order is not waiting for a card payment.")
    if (card is None) == (payment_method_id is None):
        raise ValueError("Give either test card details or a Stripe payment method id.")

    payment, fresh = _claim_attempt(order, actor)
    try:
        intent = _intent_for(payment, fresh)
        if intent is None:  # that attempt had ended: start another
            payment, fresh = _claim_attempt(order, actor)
            intent = _intent_for(payment, fresh)
        if intent["status"] in ("succeeded", "requires_action", "processing"):
            return _apply_intent(payment, intent)
        method_id = payment_method_id or _create_test_payment_method(payment, card)
        gateway.attach_payment_method(intent["id"], method_id, _key(payment, f"attach-{method_id}"))
        intent = gateway.confirm_payment_intent(intent["id"], _key(payment, f"confirm-{method_id}"),
                                                return_url=return_url)
        return _apply_intent(payment, intent)
    except CardDeclined:
        _close_declined(payment, gateway.DECLINED_MESSAGE)
        raise
    except (CardServiceUnavailable, CardServiceError):
        _release(payment)
        raise


def continue_after_authentication(actor: User, order_id: int,
                                  success: bool | None = None) -> CardPayment:
    """After the bank's 3-D Secure check. With the local test server, `success` plays the
    bank's answer; with real Stripe the person came back from the bank's page and we ask
    Stripe how it went. Commits."""
    order = payable_order_for(actor, order_id)
    payment = latest_payment(order)
    if payment is None or payment.stripe_payment_intent_id is None:
        raise NothingToPay("There is no card payment waiting for your bank.")
    if payment.status == "succeeded":
        return payment
    try:
        if success is not None and gateway.uses_local_test_server():
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
            if intent["status"] == "requires_action":
                intent = gateway.complete_test_authentication(
                    intent["id"], success, _key(payment, f"authenticate-{secrets.token_hex(4)}"))
        else:
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    except CardDeclined:
        _close_declined(payment, gateway.DECLINED_MESSAGE)
        raise
    if intent["status"] == "requires_payment_method":
        message = _failure_message(intent)
        _close_declined(payment, message)
        raise CardDeclined(message, field="card_number")
    return _apply_intent(payment, intent)


def check_payment(actor: User, order_id: int) -> CardPayment | None:
    """Ask Stripe how the latest attempt stands (after 'processing' or a lost response)."""
    order = payable_order_for(actor, order_id)
    payment = latest_payment(order)
    if payment is None or payment.status not in LIVE_STATES or not payment.stripe_payment_intent_id:
        return payment
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    if intent["status"] == "requires_payment_method" and _declined(intent):
        _close_declined(payment, _failure_message(intent))
        return payment
    return _apply_intent(payment, intent, release=False)


def _lease() -> timedelta:
    # Long enough to cover every call of one attempt, each bounded by the time-out.
    return timedelta(seconds=6 * gateway.timeout_seconds() + 5)


def _claim_attempt(order: Order, actor: User) -> tuple[CardPayment, bool]:
    """The attempt this request may work on (created if needed, then True), committed, with
    the actor as the one paying: the card details about to be sent are theirs to give."""
    now = utcnow()
    live = next((p for p in reversed(payments_for(order)) if p.status in LIVE_STATES), None)
    if live is not None:
        claimed = db.session.execute(
            sa.update(CardPayment)
            .where(CardPayment.id == live.id, CardPayment.updated_at == live.updated_at,
                   CardPayment.updated_at <= now - _lease())
            .values(updated_at=now, paid_by_id=actor.id),
            execution_options={"synchronize_session": False},
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            raise PaymentInProgress(
                "This payment is already being processed. Please wait a minute, then refresh "
                "this page before trying again."
            )
        db.session.commit()
        db.session.refresh(live)
        return live, False
    # No attempt yet: take the order itself by compare-and-set, so two clicks make one row.
    claimed = db.session.execute(
        sa.update(Order)
        .where(Order.id == order.id, Order.updated_at == order.updated_at,
               Order.state == "awaiting_payment")
        .values(updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise PaymentInProgress("This order changed just now. Please refresh the page and look again.")
    payment = CardPayment(order_id=order.id, amount_pence=order.total_pence,
                          idempotency_key=f"pending-{uuid.uuid4()}", status="creating",
                          paid_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    payment.idempotency_key = f"cardpayment-{payment.id}"
    db.session.commit()
    return payment, True


def _release(payment: CardPayment) -> None:
    """Let the next request work on this attempt at once (it is not being worked on now)."""
    db.session.rollback()
    db.session.execute(
        sa.update(CardPayment).where(CardPayment.id == payment.id)
        .values(updated_at=utcnow() - RELEASED_AGE),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _intent_for(payment: CardPayment, fresh: bool):
    """This attempt's PaymentIntent: retrieved if we know it, else found (unless the attempt
    was created just now) or created with the attempt's own key. None if the attempt turned
    out to be over (cancelled or declined)."""
    if payment.stripe_payment_intent_id:
        intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    else:
        intent = (None if fresh else _find_intent(payment)) or gateway.create_payment_intent(
            payment.amount_pence,
            {"card_payment_id": str(payment.id), "order_id": str(payment.order_id)},
            _key(payment, "create"),
        )
        payment.stripe_payment_intent_id = intent["id"]
        payment.status = _our_status(intent)
        db.session.commit()
    if intent["status"] == "canceled":
        _set_status(payment, "cancelled")
        return None
    if intent["status"] == "requires_payment_method" and _declined(intent):
        _close_declined(payment, gateway.DECLINED_MESSAGE)
        return None
    return intent


def _find_intent(payment: CardPayment):
    """With the local server, a PaymentIntent we created but never heard back about is found
    by its metadata (it ignores idempotency keys). Real Stripe replays the create instead."""
    if not gateway.uses_local_test_server():
        return None
    wanted = {"card_payment_id": str(payment.id), "order_id": str(payment.order_id)}
    return next((i for i in gateway.list_payment_intents()
                 if i["amount"] == payment.amount_pence and i["status"] != "canceled"
                 and all((i.get("metadata") or {}).get(k) == v for k, v in wanted.items())), None)


def _create_test_payment_method(payment: CardPayment, card: TestCard | None) -> str:
    if card is None:
        raise ValueError("Test card details are needed with the local test server.")
    # A fresh payment method per submission moves no money; the key only guards the one call.
    method = gateway.create_card_payment_method(
        card.number, card.exp_month, card.exp_year, card.cvc,
        _key(payment, f"method-{secrets.token_hex(6)}"),
    )
    return method["id"]


def _declined(intent) -> bool:
    return bool(intent.get("last_payment_error"))


def _failure_message(intent) -> str:
    if (intent.get("last_payment_error") or {}).get("code") == "payment_intent_authentication_failure":
        return "Your bank did not confirm this payment. Try again, or try another card."
    return gateway.DECLINED_MESSAGE


def _our_status(intent) -> str:
    if intent["status"] == "canceled":
        return "cancelled"
    return intent["status"] if intent["status"] in STRIPE_STATES else "creating"


def _set_status(payment: CardPayment, status: str) -> None:
    db.session.execute(
        sa.update(CardPayment).where(CardPayment.id == payment.id,
                                     CardPayment.status != "succeeded")
        .values(status=status),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    db.session.refresh(payment)


def _apply_intent(payment: CardPayment, intent, *, release: bool = True) -> CardPayment:
    """Store what Stripe says about this attempt; on success move the order. Commits."""
    if intent["status"] == "succeeded":
        mark_succeeded(payment, intent)
        db.session.commit()
        return payment
    # Without the lease (release=False), leave updated_at alone so we do not take the lease.
    lease = {} if release else {"updated_at": CardPayment.updated_at}
    db.session.execute(
        sa.update(CardPayment).where(CardPayment.id == payment.id,
                                     CardPayment.status != "succeeded")
        .values(status=_our_status(intent), **lease),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if release:
        _release(payment)
    db.session.refresh(payment)
    return payment


def _close_declined(payment: CardPayment, message: str) -> None:
    """The card was refused: close the attempt, leave the order waiting, move no money."""
    db.session.rollback()
    closed = db.session.execute(
        sa.update(CardPayment).where(CardPayment.id == payment.id,
                                     CardPayment.status != "succeeded")
        .values(status="failed", failure_message=message[:300]),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if closed and payment.stripe_payment_intent_id:
        # So the abandoned intent can never be confirmed later. If Stripe is unreachable now
        # nothing is lost: an intent without a usable card cannot be charged.
        try:
            gateway.cancel_payment_intent(payment.stripe_payment_intent_id, _key(payment, "cancel"))
        except (CardServiceUnavailable, CardServiceError, CardDeclined):
            log.info("Could not cancel declined payment intent %s", payment.stripe_payment_intent_id)
    db.session.refresh(payment)


# ---------------------------------------------------------------- success and failure (shared)


def mark_succeeded(payment: CardPayment, intent) -> bool:
    """Record that Stripe took the money for this attempt. The first caller wins and moves the
    order; later callers (the webhook after our own response, or the other way round) do
    nothing. Returns True for the winner. Flushes; the caller commits."""
    if intent["amount"] != payment.amount_pence or intent["currency"] != gateway.CURRENCY:
        log.error("Payment intent %s is for %s %s but card payment %s expects %s gbp",
                  intent["id"], intent["amount"], intent["currency"], payment.id, payment.amount_pence)
        return False
    won = db.session.execute(
        sa.update(CardPayment)
        .where(CardPayment.id == payment.id, CardPayment.status != "succeeded")
        .values(status="succeeded", succeeded_at=utcnow(), failure_message="",
                stripe_payment_intent_id=intent["id"], card_last4=_card_last4(intent),
                receipt_number=f"PW-CARD-{payment.id:06d}"),
        execution_options={"synchronize_session": False},
    ).rowcount == 1
    db.session.refresh(payment)
    if not won:
        return False
    order = db.session.get(Order, payment.order_id)
    db.session.refresh(order)
    if order.state == "awaiting_payment":
        orders.record_card_payment_succeeded(order, payment.paid_by)
    elif order.state in ("cancelled", "declined"):
        # The order was called off while the bank was still deciding: give the money back.
        _refund_payment(payment)
    return True


def record_failure(payment: CardPayment, message: str) -> None:
    """Stripe told us (by webhook) that a charge failed. Flushes; the caller commits."""
    db.session.execute(
        sa.update(CardPayment).where(CardPayment.id == payment.id,
                                     CardPayment.status != "succeeded")
        .values(status="failed", failure_message=(message or gateway.DECLINED_MESSAGE)[:300]),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(payment)


def _move_order_if_waiting(order: Order, paid: CardPayment) -> None:
    db.session.refresh(order)
    if order.state == "awaiting_payment":
        orders.record_card_payment_succeeded(order, paid.paid_by)


def _card_last4(intent) -> str:
    method_id = intent.get("payment_method")
    if not method_id:
        return ""
    if not isinstance(method_id, str):
        return (method_id.get("card") or {}).get("last4", "")[:4]
    try:
        method = gateway.retrieve_payment_method(method_id)
    except (CardServiceUnavailable, CardServiceError):
        return ""  # only for the receipt: not worth failing the payment over
    return ((method.get("card") or {}).get("last4") or "")[:4]


# ---------------------------------------------------------------- refunds and cancelling


def refund_order_card_payment(order: Order) -> None:
    """Called by the order service when a direct-payment order is cancelled, declined or
    refunded: cancel an attempt still in progress, refund one that succeeded, leave failed
    ones alone. Idempotent. Runs in the caller's transaction (flushes, never commits); raises
    CardServiceUnavailable if Stripe cannot be reached, so the caller's change is refused."""
    for payment in payments_for(order):
        if payment.status == "succeeded":
            _refund_payment(payment)
        elif payment.status in LIVE_STATES:
            _cancel_attempt(payment)


def _cancel_attempt(payment: CardPayment) -> None:
    try:
        if payment.stripe_payment_intent_id:
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
        else:
            intent = _find_intent(payment)
            if intent is None and not gateway.uses_local_test_server():
                # Replays the original create if it happened; else makes one we cancel at once.
                intent = gateway.create_payment_intent(
                    payment.amount_pence,
                    {"card_payment_id": str(payment.id), "order_id": str(payment.order_id)},
                    _key(payment, "create"),
                )
        if intent is None:
            payment.status = "cancelled"
        elif intent["status"] == "succeeded":
            mark_succeeded(payment, intent)  # the order is no longer waiting: this refunds
        elif intent["status"] == "processing":
            raise CardServiceError(
                "A card payment for this order is still being processed. Please try again in a "
                "few minutes."
            )
        else:
            if intent["status"] != "canceled":
                gateway.cancel_payment_intent(intent["id"], _key(payment, "cancel"))
            payment.stripe_payment_intent_id = intent["id"]
            payment.status = "cancelled"
    except CardServiceUnavailable as error:
        raise CardServiceUnavailable(REFUND_UNAVAILABLE_MESSAGE) from error
    db.session.flush()


def _refund_payment(payment: CardPayment) -> CardRefund:
    key = _key(payment, "refund")
    refund = db.session.scalar(sa.select(CardRefund).where(CardRefund.idempotency_key == key))
    if refund is not None and refund.status == "succeeded":
        return refund
    if refund is None:
        refund = CardRefund(card_payment_id=payment.id, amount_pence=payment.amount_pence,
                            idempotency_key=key, status="creating")
        db.session.add(refund)
        db.session.flush()
    try:
        earlier = gateway.list_refunds(payment.stripe_payment_intent_id)
        made = next((r for r in earlier if r["status"] in ("succeeded", "pending")), None)
        if made is None:
            made = gateway.create_refund(
                payment.stripe_payment_intent_id, payment.amount_pence,
                {"card_refund_id": str(refund.id), "order_id": str(payment.order_id)}, key,
            )
    except CardServiceUnavailable as error:
        raise CardServiceUnavailable(REFUND_UNAVAILABLE_MESSAGE) from error
    refund.stripe_refund_id = made["id"]
    refund.status = made["status"]
    db.session.flush()
    return refund


def bank_page_url(payment: CardPayment) -> str | None:
    """Real Stripe only: the bank's 3-D Secure page to send the person to (no JavaScript
    needed, since we confirm with a return_url)."""
    if gateway.uses_local_test_server() or not payment.stripe_payment_intent_id:
        return None
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    return ((intent.get("next_action") or {}).get("redirect_to_url") or {}).get("url")
