"""Stripe webhooks: verified, recorded by event id, processed exactly once.

Invariants:
- Nothing is read from an event before its Stripe-Signature is verified (gateway); a missing,
  forged or stale (over 300 s) signature is refused with 400 and changes nothing.
- Each event id is recorded in webhook_events in the same transaction as its effects; a replay
  or a duplicate delivery finds its row (or loses the unique-key race) and does nothing.
- Handlers are a dict of event type to function. payment_intent.succeeded uses the same code as
  the synchronous payment path (card_payments.mark_succeeded), so whichever arrives first moves
  the order and the other is a no-op; events may arrive before our own response or out of order.
- An event about a payment we do not know is recorded and ignored (it may belong to another
  system sharing the Stripe account).
- A signed body that is JSON but not a proper event (no id, type or data object; a payment
  intent without an id; metadata that is not an object of strings) is refused with 400
  ("malformed_event"), logged, and changes nothing: it is checked before anything is recorded.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.payments import card_payments
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import CardPayment, WebhookEvent

log = logging.getLogger(__name__)


def _payment_for(intent: dict[str, Any]) -> CardPayment | None:
    payment = db.session.scalar(
        sa.select(CardPayment).where(CardPayment.stripe_payment_intent_id == intent["id"])
    )
    if payment is not None:
        return payment
    # The event can arrive before we stored the intent's id (our own response was lost).
    card_payment_id = (intent.get("metadata") or {}).get("card_payment_id", "")
    if not card_payment_id.isdigit():
        return None
    payment = db.session.get(CardPayment, int(card_payment_id))
    if payment is None or payment.stripe_payment_intent_id not in (None, intent["id"]):
        return None
    return payment


def _payment_intent_succeeded(intent: dict[str, Any]) -> None:
    payment = _payment_for(intent)
    if payment is not None:
        card_payments.mark_succeeded(payment, intent)


def _payment_intent_failed(intent: dict[str, Any]) -> None:
    payment = _payment_for(intent)
    if payment is None:
        return
    error = intent.get("last_payment_error") or {}
    message = gateway.DECLINED_MESSAGE if error.get("code") == "card_declined" else (
        error.get("message") or gateway.DECLINED_MESSAGE)
    card_payments.record_failure(payment, message)


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
}


def _malformed(reason: str) -> gateway.InvalidWebhook:
    log.warning("Refused a signed Stripe webhook that is not a proper event: %s", reason)
    return gateway.InvalidWebhook(f"The webhook body is not a proper Stripe event: {reason}.",
                                  code="malformed_event")


def _check_shape(event: Any) -> None:
    """Refuse (before anything is recorded) an event our handlers could not read safely."""
    if not isinstance(event, dict):
        raise _malformed("it is not a JSON object")
    for name in ("id", "type"):
        if not isinstance(event.get(name), str) or not event[name]:
            raise _malformed(f"'{name}' is missing or not text")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise _malformed("'data.object' is missing or not an object")
    if event["type"].startswith("payment_intent."):
        intent = data["object"]
        if not isinstance(intent.get("id"), str) or not intent["id"]:
            raise _malformed("the payment intent has no id")
        metadata = intent.get("metadata")
        if metadata is not None and (not isinstance(metadata, dict) or not all(
                isinstance(value, str) for value in metadata.values())):
            raise _malformed("'metadata' is not an object of text values")
        error = intent.get("last_payment_error")
        if error is not None and not isinstance(error, dict):
            raise _malformed("'last_payment_error' is not an object")


def handle_webhook(payload: bytes, signature_header: str | None) -> str:
    """Verify and process one delivery. Returns "processed", "duplicate" or "ignored".
    Raises gateway.InvalidWebhook for a bad signature or a body that is not a proper event.
    Commits."""
    event = gateway.construct_webhook_event(payload, signature_header)
    _check_shape(event)
    event_id, event_type = event["id"], event["type"]
    if db.session.scalar(sa.select(WebhookEvent.id).where(WebhookEvent.stripe_event_id == event_id)):
        return "duplicate"
    record = WebhookEvent(stripe_event_id=event_id, event_type=event_type[:80])
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:  # the same event delivered twice at the same moment
        db.session.rollback()
        return "duplicate"
    handler = HANDLERS.get(event_type)
    if handler is not None:
        handler(event["data"]["object"])
    record.processed_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    log.info("Stripe event %s (%s) %s", event_id, event_type, "processed" if handler else "ignored")
    return "processed" if handler else "ignored"
