"""What a person must finish before they can close their account, in the words they read.

Closing an account pseudonymises it, so nothing may be left that still needs the person: an
order still moving (money is reserved, a provider is waiting, a card may be charged), a pledge
to a pool that has not been funded, a need still asking providers for quotes; for a provider,
an order still in progress, money Pathways has not paid them yet, a group purchase of its
services still collecting, or a quote still on offer. Each comes with the page where it is
settled. Read only: this changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.ledger.models import LedgerAccount
from marketplace.money import format_pence
from marketplace.needs.models import Need, Quote
from marketplace.orders.models import Order
from marketplace.orders.states import STATE_LABELS
from marketplace.pools.models import LIVE_MEMBER_STATES, Pool, PoolMember
from marketplace.providers.services import OPEN_ORDER_STATES

#: A pool in one of these states has not ended: its pledges are still reserved.
UNFINISHED_POOL_STATES = ("open", "collecting", "short")
#: What the holder can do about an order in each open state.
HOLDER_ORDER_ACTIONS = {
    "awaiting_payment": "Pay for it, or cancel it.",
    "awaiting_approval": "Cancel it, or wait for the answer.",
    "awaiting_provider": "Cancel it, or wait for the provider's answer.",
    "accepted": "Cancel it, or wait until it is delivered and confirm it.",
    "delivered": "Confirm it was delivered, or say what went wrong.",
    "disputed": "Wait until the problem is settled.",
}
PROVIDER_ORDER_ACTION = "Finish it (accept or decline, deliver, or settle it), or ask the buyer to cancel it."


@dataclass(frozen=True)
class OpenItem:
    #: What it is: "Order 12 for Photography group (£40.00): Accepted by the provider."
    text: str
    #: What the person can do about it.
    action: str
    #: The page where they do it.
    link: str
    link_text: str


def open_items(person: User) -> list[OpenItem]:
    """Everything that stops `person` closing their account now; empty when nothing does."""
    items = _holder_items(person) if person.role == "holder" else []
    if person.role == "provider" and person.provider is not None:
        items += _provider_items(person.provider)
    return items


def _order_text(order: Order) -> str:
    return (f"Order {order.id} for {order.service_title} ({format_pence(order.total_pence)}): "
            f"{STATE_LABELS[order.state]}.")


def _holder_items(holder: User) -> list[OpenItem]:
    orders = db.session.scalars(sa.select(Order).where(
        Order.holder_id == holder.id, Order.state.in_(OPEN_ORDER_STATES)).order_by(Order.id))
    items = [OpenItem(_order_text(order), HOLDER_ORDER_ACTIONS[order.state],
                      f"/orders/{order.id}", f"See order {order.id}") for order in orders]
    pledges = db.session.execute(
        sa.select(PoolMember, Pool).join(Pool, Pool.id == PoolMember.pool_id)
        .where(PoolMember.holder_id == holder.id, PoolMember.state.in_(LIVE_MEMBER_STATES),
               Pool.state.in_(UNFINISHED_POOL_STATES)).order_by(Pool.id)).all()
    for member, pool in pledges:
        action = ("Leave the pool: the money goes back to your budget at once."
                  if pool.state == "open" else
                  "The pool is collecting everyone's share, so you cannot leave it now. Wait "
                  "until it is bought or given back.")
        items.append(OpenItem(
            f"Your pledge of {format_pence(member.pledged_pence)} to the pool {pool.title}.",
            action, f"/pools/{pool.id}", f"See the pool {pool.title}"))
    needs = db.session.scalars(sa.select(Need).where(
        Need.holder_id == holder.id, Need.state == "open").order_by(Need.id))
    for need in needs:
        items.append(OpenItem(
            "A need on the needs board that is still asking providers for quotes.",
            "Close it, or order one of its quotes.", f"/needs/{need.id}", "See the need"))
    return items


def _provider_items(provider) -> list[OpenItem]:
    orders = db.session.scalars(sa.select(Order).where(
        Order.provider_id == provider.id, Order.state.in_(OPEN_ORDER_STATES)).order_by(Order.id))
    items = [OpenItem(_order_text(order), PROVIDER_ORDER_ACTION, f"/orders/{order.id}",
                      f"See order {order.id}") for order in orders]
    owed = int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerAccount.balance_pence), 0)).where(
            LedgerAccount.provider_id == provider.id,
            LedgerAccount.kind.in_(("provider_payable", "provider_in_payout")))) or 0)
    if owed:
        items.append(OpenItem(
            f"Pathways has not paid you {format_pence(owed)} for orders you delivered yet.",
            "Wait until it is paid in a payment run: it goes to the bank account you gave us.",
            "/provider/payments", "See your payments"))
    pools = db.session.scalars(sa.select(Pool).where(
        Pool.provider_id == provider.id, Pool.state.in_(UNFINISHED_POOL_STATES))
        .order_by(Pool.id))
    for pool in pools:
        items.append(OpenItem(
            f"A group is buying {pool.title} from you together, and has not finished.",
            "Wait until the group purchase is bought or given back.",
            "/provider/orders", "See your orders and group purchases"))
    quotes = db.session.scalars(sa.select(Quote).where(
        Quote.provider_id == provider.id, Quote.state == "live").order_by(Quote.id))
    for quote in quotes:
        items.append(OpenItem(
            f"Your quote of {format_pence(quote.total_pence)} for a need on the needs board.",
            "Withdraw it, or wait for the answer.", f"/provider/needs/{quote.need_id}",
            "See the need and your quote"))
    return items
