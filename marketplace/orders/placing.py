"""The one way an order is placed, from the pages and from the API: place_order_once.

Invariants:
- One idempotency rule. The key (the order form's hidden token, or the API's Idempotency-Key)
  belongs to the person who placed with it. The same key with the same request gives back the
  order it first made, setting nothing more aside; the same key with any other request (another
  holder, budget, service, quantity, dates, note, outcome, or choice to tell the provider the
  outcome) is IdempotencyConflict (422). Two requests racing with one key meet the unique
  (placed_by_id, idempotency_key) constraint: the loser's transaction is rolled back and it
  answers with the winner's order.
- What the person confirmed is what they get. When the caller says what was shown ("Check your
  order": the total, the unit price and the unit), a difference from the service now is
  PriceChanged (409) naming what changed, and nothing is written. The service row is read once
  in this transaction, so the price checked is the price reserved.
- Callers commit. The only rollback here is the one a lost race needs (the caller has written
  nothing else by then).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.orders import services
from marketplace.orders.models import Order
from marketplace.orders.quoted_price import Price, price_for, quote_id_of
from marketplace.orders.services import IdempotencyConflict, OrderRequest
from marketplace.providers.models import Service


class PriceChanged(DomainError):
    """The service's price or unit changed after the person checked the order."""

    status = 409
    code = "price_changed"


@dataclass(frozen=True)
class Confirmed:
    """What the person was shown and agreed to. None: not said (the API's optional total)."""

    total_pence: int | None = None
    unit_price_pence: int | None = None
    price_unit: str | None = None


def place_order_once(actor: User, holder_id: int, request: OrderRequest, key: str, *,
                     confirmed: Confirmed | None = None,
                     key_name: str = "Idempotency-Key") -> tuple[Order, bool]:
    """The order this key places, and whether it was made just now (False: placed before).

    `key_name` is what the caller calls the key, so a refusal names it in the caller's terms.
    """
    earlier = _earlier_order(actor, key)
    if earlier is None:
        service = db.session.get(Service, request.service_id)
        if confirmed is not None and service is not None:
            refuse_if_changed(confirmed, service, request.quantity, price_for(
                actor, holder_id, service, request.quote_id, request.quantity))
        try:
            return services.place_order(actor, holder_id, request, idempotency_key=key), True
        except sa.exc.IntegrityError:
            # Another request with this key won the race; answer from its order.
            db.session.rollback()
            earlier = _earlier_order(actor, key)
            if earlier is None:
                raise
    if not same_request(earlier, holder_id, request):
        raise IdempotencyConflict(
            f"This {key_name} was already used for a different order. Use a new key for a new "
            "order.", field=key_name,
        )
    return services.get_order_for(actor, earlier.id), False  # access may have gone since


def same_request(order: Order, holder_id: int, wanted: OrderRequest) -> bool:
    return (order.holder_id, order.budget_id, order.service_id, order.quantity, order.starts_on,
            order.ends_on, order.note_to_provider or "", order.outcome_id,
            order.outcome_shared, quote_id_of(order.id)) == (
        holder_id, wanted.budget_id, wanted.service_id, wanted.quantity, wanted.starts_on,
        wanted.ends_on, (wanted.note_to_provider or "").strip(), wanted.outcome_id,
        wanted.outcome_shared, wanted.quote_id)


def refuse_if_changed(confirmed: Confirmed, service: Service, quantity: int,
                      price: Price) -> None:
    """PriceChanged saying what differs between what was confirmed and the price now (the
    service's, or the quote's, which its provider may change until it is answered)."""
    changes = []
    unit_now = vocabulary.label(vocabulary.PRICE_UNITS, price.price_unit)
    if (confirmed.unit_price_pence is not None
            and confirmed.unit_price_pence != price.unit_price_pence):
        changes.append(f"the price is now {format_pence(price.unit_price_pence)} {unit_now}, "
                       f"not {format_pence(confirmed.unit_price_pence)}")
    if confirmed.price_unit is not None and confirmed.price_unit != price.price_unit:
        unit_then = vocabulary.label(vocabulary.PRICE_UNITS, confirmed.price_unit)
        changes.append(f"it is now priced {unit_now}, not {unit_then}")
    total = quantity * price.unit_price_pence
    if confirmed.total_pence is not None and confirmed.total_pence != total:
        changes.append(f"the total is now {format_pence(total)}, not "
                       f"{format_pence(confirmed.total_pence)}")
    if changes:
        raise PriceChanged(
            f"{service.title} has changed since the order was checked: " + "; ".join(changes)
            + ". Nothing has been ordered. Check the new details before placing the order.",
            field="expected_total_pence",
        )


def _earlier_order(actor: User, key: str) -> Order | None:
    return db.session.scalar(
        sa.select(Order).where(Order.placed_by_id == actor.id, Order.idempotency_key == key)
    )
