"""What a provider sees of a funded pool (docs/pools.md, "Who sees what"): one group purchase,
with its size, the members' display names and what to deliver, whose share orders it
accepts, declines or marks delivered together. Members' real names stay with the members."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import PoolRefusal

#: What the provider does to a whole group, and the share-order state each applies to.
GROUP_ACTIONS = {"accept": "awaiting_provider", "decline": "awaiting_provider",
                 "deliver": "accepted"}


@dataclass(frozen=True)
class GroupPurchase:
    pool: Pool
    members: list[PoolMember]
    orders: list[Order]

    @property
    def total_pence(self) -> int:
        return sum(order.total_pence for order in self.orders)

    def waiting_for(self, action: str) -> list[Order]:
        return [order for order in self.orders if order.state == GROUP_ACTIONS[action]]


def member_of(order: Order) -> PoolMember | None:
    return db.session.scalar(sa.select(PoolMember).where(PoolMember.order_id == order.id))


def aliases_for(viewer: User | None, order: Order) -> dict[int, str]:
    """For a provider looking at a pool share: the names to show instead of the people's
    own (the member's display name for the holder, and for anyone acting for them).
    Empty for everyone else and for ordinary orders."""
    if viewer is None or not viewer.is_authenticated or viewer.role != "provider":
        return {}
    member = member_of(order)
    if member is None:
        return {}
    return {member.holder_id: member.display_name,
            member.pledged_by_id: member.display_name if member.pledged_by_id == member.holder_id
            else f"a supporter of {member.display_name}"}


def person_name(viewer: User, order: Order) -> str:
    """The name this viewer sees for the person an order is for: a provider sees a pool
    member's chosen display name, everyone else the holder's own name."""
    if viewer.is_authenticated and viewer.role == "provider":
        member = member_of(order)
        if member is not None:
            return member.display_name
    return order.holder.display_name


def group_purchases(provider_id: int) -> list[GroupPurchase]:
    pools = db.session.scalars(
        sa.select(Pool).where(Pool.provider_id == provider_id, Pool.state == "funded")
        .order_by(Pool.funded_at.desc(), Pool.id.desc())).all()
    groups = []
    for pool in pools:
        members = [member for member in pool.members if member.order_id is not None]
        shares = [db.session.get(Order, member.order_id) for member in members]
        groups.append(GroupPurchase(pool, members, shares))
    return groups


def group_for(provider_user: User, pool_id: int) -> GroupPurchase:
    provider = provider_user.provider
    for group in group_purchases(provider.id) if provider is not None else []:
        if group.pool.id == pool_id:
            return group
    raise NotFound("We could not find that group purchase.")


def act_on_group(provider_user: User, pool_id: int, action: str, note: str = "") -> int:
    """Take the action on every share order waiting for it, in one database transaction:
    the whole group is accepted, declined or delivered, never part of it."""
    if action not in GROUP_ACTIONS:
        raise NotFound("We could not find that action.")
    group = group_for(provider_user, pool_id)
    waiting = group.waiting_for(action)
    if not waiting:
        raise PoolRefusal("Nothing in this group purchase is waiting for that.")
    for order in waiting:
        orders.act_on_order(provider_user, order.id, action, note)
    return len(waiting)
