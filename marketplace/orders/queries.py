"""Reading orders for pages: a holder's orders, a provider's inbox, an order's history in plain
words and what happens next. Nothing here writes; who may see what is decided by the callers
(accounts.consent, orders.services.get_order_for)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.extensions import db
from marketplace.orders.models import ORDER_STATES, Order, OrderEvent
from marketplace.orders.states import ENDED_LABELS, SHOWN_LABELS
from marketplace.times import format_date

#: The provider's inbox, in the order a provider works through it: (heading, states).
PROVIDER_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("New orders: please accept or decline", ("awaiting_provider",)),
    ("Accepted: to deliver", ("accepted",)),
    ("Delivered: waiting for the person to confirm", ("delivered",)),
    ("Disputed: the money is on hold", ("disputed",)),
    ("Confirmed: you will be paid in the next payout", ("confirmed",)),
    ("Paid to you", ("paid_out",)),
    ("Not ready yet: waiting for approval or card payment",
     ("awaiting_approval", "awaiting_payment")),
    ("Closed", ("declined", "cancelled", "refunded")),
]

#: Stored states and the ways of being cancelled, in the order the "Show" filter lists them.
SHOWN_STATES: tuple[str, ...] = (*ORDER_STATES, *ENDED_LABELS)

#: What happens next, for the person who placed the order (and their supporters).
NEXT_FOR_HOLDER: dict[str, str] = {
    "awaiting_payment": "Pay by card to send this order to the provider. Nothing is sent until "
                        "it is paid.",
    "awaiting_approval": "The money is set aside. The organisation that holds your budget will "
                         "look at the order and approve it, usually within two working days. "
                         "You can cancel it until then.",
    "awaiting_provider": "The provider will accept or decline the order. If they decline, the "
                         "money goes back to your budget.",
    "accepted": "The provider has agreed to do this. When it has happened they will mark it as "
                "delivered.",
    "delivered": "Please confirm that you got the support, or say what went wrong. If you do "
                 "nothing, it is confirmed automatically on the date shown.",
    "confirmed": "The provider will be paid in the next payout run. There is nothing more to do.",
    "paid_out": "The provider has been paid. There is nothing more to do.",
    "disputed": "The money is on hold. The organisation that holds the budget (or the council, "
                "for a direct payment) will look at what happened and decide.",
    "declined": "The provider could not take this order. The money is back in the budget.",
    "cancelled": "This order is cancelled. Any money set aside for it is back in the budget.",
    "refunded": "The provider refunded this order. The money is back in the budget.",
    "not_approved": "The organisation that holds the budget did not approve this order. The "
                    "money is back in the budget. Their reason is in the history below.",
    "released_after_dispute": "The dispute was settled by giving the money back to the "
                              "budget. There is nothing more to do.",
}

NEXT_FOR_PROVIDER: dict[str, str] = {
    "awaiting_payment": "Waiting for the person to pay by card. You do not need to do anything yet.",
    "awaiting_approval": "Waiting for the organisation that holds the budget to approve it.",
    "awaiting_provider": "Please accept or decline this order.",
    "accepted": "Mark it as delivered once the support has happened.",
    "delivered": "Waiting for the person to confirm. It confirms itself on the date shown.",
    "confirmed": "You will be paid in the next payout run.",
    "paid_out": "You have been paid for this order.",
    "disputed": "The person has raised a problem. The money is on hold until it is decided.",
    "declined": "You declined this order.",
    "cancelled": "This order was cancelled. You will not be paid for it.",
    "refunded": "You refunded this order.",
    "not_approved": "The organisation that holds the budget did not approve this order. You "
                    "will not be paid for it.",
    "released_after_dispute": "The dispute was settled by giving the money back to the "
                              "budget. You will not be paid for this order.",
}

NEXT_FOR_STAFF: dict[str, str] = {
    "awaiting_approval": "Please approve or refuse this order.",
    "disputed": "Please decide: pay the provider, or give the money back to the budget.",
}


@dataclass(frozen=True)
class HistoryLine:
    text: str
    note: str
    when: datetime


def state_label(state: str) -> str:
    """The words for a state, or for one of the ways of being cancelled (SHOWN_STATES)."""
    return SHOWN_LABELS.get(state, state.replace("_", " "))


def arrived_as(event: OrderEvent) -> str:
    """The state an event brought its order to, as people see it: a cancellation says whether
    the organisation refused the order ('reject', the only way its staff end one before it is
    approved) or a dispute gave the money back ('resolve_release')."""
    if event.to_state != "cancelled":
        return event.to_state
    if event.from_state == "disputed":
        return "released_after_dispute"
    if (event.from_state == "awaiting_approval" and event.actor is not None
            and event.actor.role == "account_manager"):
        return "not_approved"
    return "cancelled"


def shown_state(order: Order) -> str:
    if order.state != "cancelled":
        return order.state
    ended = next((e for e in reversed(order.events) if e.to_state == "cancelled"), None)
    return arrived_as(ended) if ended is not None else "cancelled"


def order_state_label(order: Order) -> str:
    return state_label(shown_state(order))


def next_step(order: Order, viewer: User) -> str:
    if viewer.role == "provider":
        return NEXT_FOR_PROVIDER.get(shown_state(order), "")
    if viewer.role == "account_manager" and order.state in NEXT_FOR_STAFF:
        return NEXT_FOR_STAFF[order.state]
    return NEXT_FOR_HOLDER.get(shown_state(order), "")


def _what_happened(event: OrderEvent) -> str:
    before, after = event.from_state, event.to_state
    if before is None:
        return "Placed"
    if after == "awaiting_provider":
        return "Approved"
    if after == "cancelled":
        return {"not_approved": "Not approved",
                "released_after_dispute": "Dispute settled: the money went back to the budget",
                }.get(arrived_as(event), "Cancelled")
    if after == "confirmed" and before == "disputed":
        return "Dispute settled: the provider is to be paid"
    return {
        "accepted": "Accepted",
        "declined": "Declined",
        "delivered": "Marked as delivered",
        "confirmed": "Confirmed as delivered",
        "disputed": "Disputed",
        "refunded": "Refunded",
        "paid_out": "Paid to the provider",
    }.get(after, state_label(after))


def _by(event: OrderEvent, actor: User | None, order: Order, people: dict[int, User]) -> str:
    if actor is not None and actor.role == "provider" and actor.id == order.provider.owner_id:
        return f"by {order.provider.name}"
    on_behalf_of = people.get(event.on_behalf_of_id) if event.on_behalf_of_id else None
    return done_by_text(actor, on_behalf_of)


def is_card_payment(event: OrderEvent) -> bool:
    return event.from_state == "awaiting_payment" and event.to_state == "awaiting_provider"


def who_paid(payer: User | None, holder: User, viewer: User | None) -> str | None:
    """ "you", "Sam Patel", "Jo Broker, on behalf of Sam Patel" or "Jo Broker, on your behalf",
    as fits the viewer; None when nobody recorded who paid (card payments before 0008)."""
    if payer is None:
        return None
    name = "you" if viewer is not None and payer.id == viewer.id else payer.display_name
    if payer.id == holder.id:
        return name
    if viewer is not None and viewer.id == holder.id:
        return f"{name}, on your behalf"
    return f"{name}, on behalf of {holder.display_name}"


def _line(event: OrderEvent, actor: User | None, order: Order, people: dict[int, User],
          viewer: User | None) -> str:
    if is_card_payment(event):
        who = who_paid(actor, order.holder, viewer)
        return f"Paid by card by {who}" if who else "Paid by card"
    return f"{_what_happened(event)} {_by(event, actor, order, people)}"


@dataclass(frozen=True)
class Shown:
    """A person as this viewer may see them: a provider sees a pool member by the name they
    chose, never their own (marketplace/pools/provider_view.py)."""

    id: int
    role: str
    display_name: str


def names_seen_by(viewer: User | None, order: Order) -> dict[int, str]:
    # Imported here: the pools area builds on orders, not the other way round.
    from marketplace.pools.provider_view import aliases_for

    return aliases_for(viewer, order)


def shown_as(user: User | None, aliases: dict[int, str]):
    """The person, or a stand-in carrying the name this viewer may see."""
    if user is None or user.id not in aliases:
        return user
    return Shown(user.id, user.role, aliases[user.id])


def history(order: Order, viewer: User | None = None) -> list[HistoryLine]:
    """ "Placed by Jo Broker on behalf of Sam Patel on 3 May 2026", oldest first; who paid by
    card is said as fits the viewer ("Paid by card by you")."""
    events = list(db.session.scalars(
        sa.select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
    ))
    ids = {i for e in events for i in (e.actor_id, e.on_behalf_of_id) if i}
    people = {
        user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))
    } if ids else {}
    aliases = names_seen_by(viewer, order)
    if aliases:
        people = {i: shown_as(u, aliases) for i, u in people.items()}
    lines = []
    for event in events:
        actor = people.get(event.actor_id) if event.actor_id else None
        when = event.created_at
        lines.append(HistoryLine(
            text=f"{_line(event, actor, order, people, viewer)} on {format_date(when)}",
            note=event.note, when=when,
        ))
    return lines


def parse_state(text: str | None) -> str | None:
    """A state filter from the query string (one of SHOWN_STATES): None for "all"; ValueError
    for anything unknown."""
    if not text:
        return None
    if text not in SHOWN_STATES:
        raise ValueError(text)
    return text


def _with_events():
    """Lists show each order's state in its own words, which for a cancelled order come from
    its events: load them with the orders rather than one query per row."""
    return so.selectinload(Order.events).selectinload(OrderEvent.actor)


def orders_for_holder(holder_id: int, state: str | None = None) -> list[Order]:
    query = sa.select(Order).where(Order.holder_id == holder_id).options(_with_events())
    if state:
        query = query.where(Order.state == ("cancelled" if state in ENDED_LABELS else state))
    orders = db.session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc())).all()
    return [order for order in orders if state is None or shown_state(order) == state]


def provider_inbox(provider_id: int) -> list[tuple[str, list[Order]]]:
    """The provider's orders grouped as PROVIDER_GROUPS, newest first; empty groups left out."""
    orders = db.session.scalars(
        sa.select(Order).where(Order.provider_id == provider_id).options(_with_events())
        .order_by(Order.created_at.desc(), Order.id.desc())
    ).all()
    groups = []
    for heading, states in PROVIDER_GROUPS:
        in_group = [order for order in orders if order.state in states]
        if in_group:
            groups.append((heading, in_group))
    return groups


def state_choices() -> list[tuple[str, str]]:
    return [(state, SHOWN_LABELS[state]) for state in SHOWN_STATES]
