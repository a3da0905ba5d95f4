"""The price an order is placed at: the service's, or the one its provider quoted for the
holder's need on the needs board (docs/needs.md, "Accepting a quote").

Ordering at a quoted price is how a holder accepts a quote for a need they will not pool:
the order takes the quote's price, unit and sessions, and placing it accepts the quote in the
same transaction (needs.answers.accept_by_order), so the quote is accepted only if the order
is placed, and a quote can be ordered once."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.needs.models import Quote
from marketplace.providers.models import Service


@dataclass(frozen=True)
class Price:
    unit_price_pence: int
    price_unit: str
    #: The quote it comes from, whose sessions the order must be for; None: the service's.
    quote: Quote | None = None


def price_for(actor: User, holder_id: int, service: Service, quote_id: int | None,
              quantity: int) -> Price:
    """The price to order at, or the DomainError (with its field) that placing would meet."""
    if quote_id is None:
        return Price(service.price_pence, service.price_unit)
    quote = quote_for_order(actor, holder_id, service, quote_id)
    if quantity != quote.sessions:
        raise DomainError(f"{quote.provider.name} quoted for {quote.sessions} "
                          f"{'session' if quote.sessions == 1 else 'sessions'}: order "
                          f"{quote.sessions}, or ask them for a new quote", field="quantity")
    return Price(quote.price_pence, quote.price_unit, quote)


def quote_for_order(actor: User, holder_id: int, service: Service, quote_id: int) -> Quote:
    """A live quote for this service on the holder's open need, which the actor may answer."""
    from marketplace.needs import answers  # the needs board builds on orders

    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.need.holder_id != holder_id or quote.service_id != service.id:
        raise NotFound("We could not find that quote.", field="quote_id")
    quote = answers.quote_to_answer(actor, quote.need_id, quote.id)
    if quote.need.would_pool:
        raise DomainError("This need is to be pooled: start a pool from the quote instead.",
                          field="quote_id")
    return quote


def quote_id_of(order_id: int) -> int | None:
    """The quote an order accepted, if it was placed at a quoted price."""
    return db.session.scalar(sa.select(Quote.id).where(Quote.order_id == order_id))
