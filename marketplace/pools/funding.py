"""All or nothing: a pool closes into one share order per member, or every pledge goes back
(docs/pools.md). Each step is a compare-and-set on the pool's state and every posting has
its idempotency key, so the worker can run a step twice, or crash half-way, harmlessly."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.orders.models import Order, OrderEvent
from marketplace.pools import shares
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import release_pledge
from marketplace.times import utcnow

DEFAULT_SHORT_HOURS = 72


def _move_pool(pool: Pool, from_states: tuple[str, ...], to_state: str, **values) -> bool:
    changed = db.session.execute(
        sa.update(Pool).where(Pool.id == pool.id, Pool.state.in_(from_states))
        .values(state=to_state, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.expire(pool)
    return changed == 1


def pool_link(pool: Pool) -> str:
    return f"/pools/{pool.id}"


def _tell_members(pool: Pool, message: str, subject: str) -> None:
    for member in pool.members:
        if member.state in ("pledged", "secured", "failed", "paid", "released"):
            notify(member.holder, message, link=pool_link(pool), email_subject=subject)


def close_due_pools(now: datetime | None = None) -> dict[str, int]:
    """Every open pool past its deadline starts collecting (enough members) or expires; every
    short pool past its time to refill expires. Returns how many went each way."""
    now = now or utcnow()
    counts = {"collecting": 0, "expired": 0, "funded": 0}
    due = db.session.scalars(
        sa.select(Pool).where(sa.or_(
            sa.and_(Pool.state == "open", Pool.deadline_at <= now),
            sa.and_(Pool.state == "short", Pool.short_until <= now),
            Pool.state == "collecting",
        )).order_by(Pool.id)
    ).all()
    for pool in due:
        if pool.state == "open" and pool.member_count >= pool.min_members:
            if _move_pool(pool, ("open",), "collecting"):
                counts["collecting"] += 1
        elif pool.state in ("open", "short"):
            if expire_pool(pool, now=now):
                counts["expired"] += 1
        if pool.state == "collecting" and collect(pool, now=now) == "funded":
            counts["funded"] += 1
    return counts


def expire_pool(pool: Pool, *, now: datetime | None = None) -> bool:
    """Not funded: every pledge released, every member told. False if already done."""
    was = pool.state
    if not _move_pool(pool, ("open", "short"), "expired", ended_at=now or utcnow()):
        return False
    for member in pool.members:
        release_pledge(member, "released",
                       f"Pool {pool.id} not funded: money back in the budget")
    why = ("it was not refilled in time" if was == "short"
           else "not enough people joined by the closing date")
    _tell_members(pool, f"The group purchase {pool.title} will not go ahead because {why}. "
                  "Every penny you pledged is back in your budget, and nobody was charged.",
                  "A group purchase will not go ahead")
    return True


def start_collecting_if_full(pool: Pool) -> str | None:
    """A full pool need not wait for its deadline."""
    if pool.state == "open" and pool.member_count == pool.max_members:
        if _move_pool(pool, ("open",), "collecting"):
            return collect(pool)
    return None


def collect(pool: Pool, *, now: datetime | None = None) -> str:
    """Secure every share, then fund. A managed pledge still waiting for its organisation's
    approval makes the pool short until it is approved, refused or the time runs out."""
    now = now or utcnow()
    live = pool.live_members
    waiting = [member for member in live if member.state in ("pledged", "failed")]
    if waiting:
        hours = current_app.config.get("POOL_SHORT_HOURS", DEFAULT_SHORT_HOURS)
        if _move_pool(pool, ("collecting",), "short", short_until=now + timedelta(hours=hours)):
            for member in waiting:
                if member.route == "managed":
                    for staff in member.budget.managed_by.members:
                        notify(staff.user, f"A group purchase, {pool.title}, is waiting only "
                               f"for your approval of {member.holder.display_name}'s share. "
                               f"Please approve or refuse it within {hours} hours.",
                               email_subject="A group purchase is waiting for your approval")
            _tell_members(pool, f"The group purchase {pool.title} is waiting for one or more "
                          "shares to be approved. Your pledge stays as it is.",
                          "A group purchase is waiting")
        return "short"
    if len(live) < pool.min_members:
        return "waiting"
    return fund(pool, now=now)


def refill(pool: Pool) -> str | None:
    """A short pool whose every share is now secured goes back to collecting and funds."""
    if pool.state == "short" and all(m.state == "secured" for m in pool.live_members) \
            and len(pool.live_members) >= pool.min_members:
        if _move_pool(pool, ("short",), "collecting", short_until=None):
            return collect(pool)
    return None


def fund(pool: Pool, *, now: datetime | None = None) -> str:
    """Every share secured: one share order per member at its actual share (the target split
    over the members there are, never more than they pledged), the rest of each pledge
    released, the provider told once."""
    if not _move_pool(pool, ("collecting",), "funded", funded_at=now or utcnow()):
        return pool.state
    members = [member for member in pool.members if member.state == "secured"]
    for member, share in zip(members, shares.split(pool.target_pence, len(members))):
        order = Order(
            holder_id=member.holder_id, budget_id=member.budget_id,
            service_id=pool.service_id, provider_id=pool.provider_id, route=member.route,
            quantity=1, unit_price_pence=share, price_unit="pool_share", total_pence=share,
            service_title=pool.title, note_to_provider=pool.what_it_buys,
            state="awaiting_provider", placed_by_id=member.pledged_by_id,
        )
        db.session.add(order)
        db.session.flush()
        db.session.add(OrderEvent(order_id=order.id, from_state=None,
                                  to_state="awaiting_provider",
                                  note=f"Share of group purchase {pool.id}"))
        excess = member.share_pence - share
        if excess:
            ledger.move("release", f"Pool {pool.id}: the share came to less than pledged",
                        excess, ledger.budget_reserved_account(member.budget_id),
                        ledger.budget_available_account(member.budget_id),
                        idempotency_key=f"pool-member-{member.id}-excess")
        db.session.execute(
            sa.update(PoolMember).where(PoolMember.id == member.id,
                                        PoolMember.state == "secured")
            .values(state="paid", order_id=order.id, updated_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
    db.session.expire_all()
    owner = pool.provider.owner
    notify(owner, f"A group of {len(members)} has bought {pool.title} together for "
           f"{format_pence(pool.target_pence)}. Please accept or decline it.",
           link="/provider/orders", email_subject="A group purchase is waiting for you")
    _tell_members(pool, f"The group purchase {pool.title} is going ahead. Your share is on "
                  "your statement; the provider will now accept it.",
                  "Your group purchase is going ahead")
    return "funded"
