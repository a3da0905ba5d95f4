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
from marketplace.pools import cards, shares
from marketplace.pools.models import LIVE_MEMBER_STATES, Pool, PoolMember
from marketplace.pools.services import release_pledge
from marketplace.times import utcnow


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
    """Not funded: every hold on a card let go, every pledge released, every member told.
    False if it was already done."""
    was = pool.state
    if not _move_pool(pool, ("open", "short"), "expired", ended_at=now or utcnow(),
                      member_count=0):
        return False
    for member in pool.members:
        if member.state in LIVE_MEMBER_STATES:
            cards.cancel_authorisation(member)
            cards.refund_if_captured(member)
        release_pledge(member, "released",
                       f"Pool {pool.id} not funded: money back in the budget")
    why = ("it was not refilled in time" if was == "short"
           else "not enough people joined by the closing date")
    _tell_members(pool, f"The group purchase {pool.title} will not go ahead because {why}. "
                  "Every penny you pledged is back in your budget, and nobody was charged.",
                  "A group purchase will not go ahead")
    return True


def start_collecting_if_full(pool: Pool) -> str | None:
    """A full pool need not wait for its deadline, once every card in it is saved (a card
    pledge is made a moment before its card is)."""
    cards_saved = all(member.payment_method_id for member in pool.live_members
                      if member.route == "direct")
    if pool.state == "open" and pool.member_count == pool.max_members and cards_saved:
        if _move_pool(pool, ("open",), "collecting"):
            return collect(pool)
    return None


def fix_shares(pool: Pool) -> None:
    """Give each live member without a share one: what is left of the target, split over
    the places still to fill. At the first collection that is the whole target over
    everyone; in a short pool a newcomer takes one vacated place's share, never more than
    they pledged, so with two places vacated and one newcomer the pool stays short."""
    live = pool.live_members
    assigned = sum(member.share_pence for member in live if member.share_pence)
    unassigned = [member for member in live if not member.share_pence]
    left = pool.target_pence - assigned
    if unassigned and left > 0:
        most = shares.most_anyone_pays(pool.target_pence, pool.min_members)
        places = max(len(unassigned), -(-left // most))
        for member, share in zip(unassigned, shares.split(left, places)):
            member.share_pence = share
    db.session.flush()


def _shares_cover_target(pool: Pool) -> bool:
    live = pool.live_members
    return (len(live) >= pool.min_members
            and sum(member.share_pence or 0 for member in live) == pool.target_pence)


def collect(pool: Pool, *, now: datetime | None = None) -> str:
    """Secure every share: managed pledges must be approved, direct ones are authorised on
    the saved card now. Then fund; or, if a share is missing, the pool is short."""
    now = now or utcnow()
    fix_shares(pool)
    unreachable = False
    for member in pool.live_members:
        if member.route == "direct" and member.state == "pledged":
            held = cards.authorise(member)
            if held is None:
                unreachable = True
            else:
                member.state = "secured" if held else "failed"
    db.session.flush()
    if unreachable:
        return "collecting"  # the card service is down: the next run tries again
    waiting = [member for member in pool.live_members if member.state != "secured"]
    if waiting or not _shares_cover_target(pool):
        _go_short(pool, waiting, now)
        return "short"
    return fund(pool, now=now)


def _go_short(pool: Pool, waiting: list[PoolMember], now: datetime) -> None:
    hours = current_app.config["POOL_SHORT_HOURS"]
    if not _move_pool(pool, ("collecting",), "short", short_until=now + timedelta(hours=hours)):
        return
    for member in waiting:
        if member.route == "managed":
            for staff in member.budget.managed_by.members:
                notify(staff.user, f"A group purchase, {pool.title}, is waiting for your "
                       f"approval of {member.holder.display_name}'s share. Please approve or "
                       f"refuse it within {hours} hours.",
                       email_subject="A group purchase is waiting for your approval")
        else:
            notify(member.holder, f"We could not take your share of {pool.title} "
                   f"({format_pence(member.share_pence)}): {member.card_problem} Please pay "
                   f"it on the pool's page within {hours} hours, or your place may go to "
                   "someone else.", link=pool_link(pool),
                   email_subject="Please pay your share of a group purchase")
    _tell_members(pool, f"The group purchase {pool.title} is waiting for one or more shares. "
                  f"Your pledge stays as it is; if they are not in within {hours} hours, "
                  "everyone gets their money back.", "A group purchase is waiting")


def refill(pool: Pool) -> str | None:
    """A short pool whose every share is now secured goes back to collecting and funds."""
    if pool.state == "short" and all(m.state == "secured" for m in pool.live_members) \
            and _shares_cover_target(pool):
        if _move_pool(pool, ("short",), "collecting", short_until=None):
            return collect(pool)
    return None


def fund(pool: Pool, *, now: datetime | None = None) -> str:
    """Every share secured: the cards are captured, then one share order per member at its
    share, the rest of each pledge released, the provider told once."""
    members = [member for member in pool.live_members if member.state == "secured"]
    if len(members) != len(pool.live_members) or not _shares_cover_target(pool):
        return pool.state
    for member in members:
        if member.route == "direct" and not cards.capture(member):
            member.state = "failed"
            db.session.flush()
            _go_short(pool, [member], now or utcnow())
            return "short"
    if not _move_pool(pool, ("collecting",), "funded", funded_at=now or utcnow()):
        return pool.state
    for member in members:
        _share_order(pool, member)
    db.session.expire_all()
    owner = pool.provider.owner
    notify(owner, f"A group of {len(members)} has bought {pool.title} together for "
           f"{format_pence(pool.target_pence)}. Please accept or decline it.",
           link="/provider/orders", email_subject="A group purchase is waiting for you")
    _tell_members(pool, f"The group purchase {pool.title} is going ahead. Your share is on "
                  "your statement; the provider will now accept it.",
                  "Your group purchase is going ahead")
    return "funded"


def _share_order(pool: Pool, member: PoolMember) -> Order:
    share = member.share_pence
    order = Order(
        holder_id=member.holder_id, budget_id=member.budget_id,
        service_id=pool.service_id, provider_id=pool.provider_id, route=member.route,
        quantity=1, unit_price_pence=share, price_unit="pool_share", total_pence=share,
        service_title=pool.title, note_to_provider=pool.what_it_buys,
        state="awaiting_provider", placed_by_id=member.pledged_by_id,
    )
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderEvent(order_id=order.id, from_state=None, to_state="awaiting_provider",
                              note=f"Share of group purchase {pool.id}"))
    if member.route == "direct":
        cards.record_payment(member, order.id)
    excess = member.pledged_pence - share
    if excess:
        ledger.move("release", f"Pool {pool.id}: the share came to less than pledged",
                    excess, ledger.budget_reserved_account(member.budget_id),
                    ledger.budget_available_account(member.budget_id),
                    idempotency_key=f"pool-member-{member.id}-excess")
    db.session.execute(
        sa.update(PoolMember).where(PoolMember.id == member.id, PoolMember.state == "secured")
        .values(state="paid", order_id=order.id, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return order
