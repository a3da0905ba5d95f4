"""What closing an account removes from orders (accounts/closure.py).

Orders and their events are the council's record of how public money was spent, so every row
stays: who bought what from whom, when, for how much, and each change of state with who made
it (now shown by the pseudonym). What goes is what the person typed: the note a holder left for
the provider, and the notes on the changes they made. Notes others wrote on the holder's
orders lose the holder's names and words (accounts/mentions.py).
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.mentions import Mentions, rows_mentioning
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderEvent

REMOVED = "[note removed when an account was closed]"


def typed_words(person: User) -> list[str]:
    """The notes the person wrote, to find them quoted elsewhere."""
    notes = db.session.scalars(sa.select(Order.note_to_provider).where(
        Order.holder_id == person.id, Order.note_to_provider != ""))
    events = db.session.scalars(sa.select(OrderEvent.note).where(
        OrderEvent.actor_id == person.id, OrderEvent.note != ""))
    return [*notes, *events]


def _orders_of(person: User):
    """The orders the person had a part in: theirs, placed by them, sold by them, or acted on."""
    provider_id = person.provider.id if person.role == "provider" and person.provider else None
    return sa.select(Order.id).where(sa.or_(
        Order.holder_id == person.id, Order.placed_by_id == person.id,
        Order.provider_id == provider_id,
        Order.id.in_(sa.select(OrderEvent.order_id).where(OrderEvent.actor_id == person.id))))


def forget_notes(person: User, mentions: Mentions) -> None:
    db.session.execute(sa.update(Order).where(Order.holder_id == person.id)
                       .values(note_to_provider=""))
    db.session.execute(sa.update(OrderEvent).where(OrderEvent.actor_id == person.id)
                       .values(note=""))
    for event in rows_mentioning(OrderEvent, [OrderEvent.note], mentions,
                                 OrderEvent.order_id.in_(_orders_of(person))):
        event.note = mentions.scrub(event.note, REMOVED)
    # Notes on the holder's own orders are about them: their first name goes too.
    for event in db.session.scalars(sa.select(OrderEvent).join(Order).where(
            Order.holder_id == person.id, OrderEvent.note != "")):
        event.note = mentions.replace_names(event.note, given_names=True)
    db.session.flush()
