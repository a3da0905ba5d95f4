"""Who may see a pool (docs/pools.md, "Who sees what"). Anyone else gets 404, so nobody can
probe which pools exist. Members see each other only by display name.

An open pool is open to the budget holders whose home area (accounts.home_area) is the pool's
local authority, and for `area_and_category` only to those interested in the pool's category.
A supporter sees and joins for the people they may buy for, by each person's own area."""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import session

from marketplace import areas
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.budgets.models import OrganisationMember
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.pools.models import LIVE_MEMBER_STATES, Pool, PoolMember
from marketplace.pools.services import invite_token_hash

TAKING_PLEDGES = ("open", "short")


def _session_key(pool: Pool) -> str:
    return f"pool-invite-{pool.id}"


def token_matches(pool: Pool, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(invite_token_hash(token), pool.invite_token_hash)


def accept_invite(pool: Pool, token: str | None) -> bool:
    """A right invite token lets this browser see the pool from now on."""
    if token_matches(pool, token):
        session[_session_key(pool)] = True
        return True
    return False


def may_join(user: User, pool: Pool) -> bool:
    """Someone with a budget (or a supporter) while the pool takes pledges."""
    return (user.is_authenticated and user.role in ("holder", "supporter")
            and pool.state in TAKING_PLEDGES)


def pool_authority(pool: Pool) -> str:
    """The pool's local authority: copied from its service when it started, or for a service
    that names only postcode districts (so nothing was copied), the authority of its first."""
    if pool.local_authority:
        return pool.local_authority
    districts = pool.service.postcode_districts or []
    return areas.DISTRICT_TO_AUTHORITY.get(districts[0], "") if districts else ""


def open_to_holder(holder: User, pool: Pool) -> bool:
    """The holder may join this pool without an invite (docs/pools.md, "Who may join")."""
    if pool.open_to == "invite" or not holder.home_authority:
        return False
    if holder.home_authority != pool_authority(pool):
        return False
    return pool.open_to == "area" or pool.category in (holder.interests or [])


def buying_for(user: User) -> list[User]:
    """The holders this person pledges for: themselves, or by a supporter's 'buy' grants."""
    if not user.is_authenticated or user.role not in ("holder", "supporter"):
        return []
    return consent.holders_for(user, "buy")


def holders_who_may_join(user: User, pool: Pool, *, invited: bool) -> list[User]:
    if not may_join(user, pool):
        return []
    return [holder for holder in buying_for(user) if invited or open_to_holder(holder, pool)]


def needs_an_area(user: User) -> bool:
    """A budget holder (or a supporter of only such people) with no home area given yet, who
    is told to add one to see pools near them."""
    holders = buying_for(user)
    return bool(holders) and not any(holder.home_authority for holder in holders)


def was_invited(pool: Pool) -> bool:
    return bool(session.get(_session_key(pool)))


def members_acted_for(user: User, pool: Pool) -> list[PoolMember]:
    """The live memberships this person holds, or may act on for someone (the 'buy' scope)."""
    return [member for member in pool.live_members
            if consent.may_act_for(user, member.holder_id, "buy")]


def was_a_member(user: User, pool: Pool) -> bool:
    """Someone whose pledge was given back (they left, or the pool did not go ahead), or who
    may view such a person's pools: they still see what became of it, as "Pools" lists it."""
    return any(member.state in ("left", "released")
               and consent.may_act_for(user, member.holder_id, "view") for member in pool.members)


def _staff_of_a_member(user: User, pool: Pool) -> bool:
    organisations = {member.budget.managed_by_id for member in pool.live_members
                     if member.route == "managed"}
    return bool(organisations) and db.session.scalar(
        sa.select(OrganisationMember.id).where(
            OrganisationMember.user_id == user.id,
            OrganisationMember.organisation_id.in_(organisations))) is not None


def may_see(user: User, pool: Pool, *, invited: bool | None = None) -> bool:
    """`invited`: this browser came with the invite link (the default reads the session)."""
    if not user.is_authenticated:
        return False
    if members_acted_for(user, pool) or pool.started_by_id == user.id:
        return True
    if any(consent.may_act_for(user, member.holder_id, "view") for member in pool.live_members):
        return True
    if was_a_member(user, pool):
        return True
    invited = was_invited(pool) if invited is None else invited
    if may_join(user, pool) and (invited or any(
            open_to_holder(holder, pool) for holder in buying_for(user))):
        return True
    return _staff_of_a_member(user, pool)


def pool_for(user: User, pool_id: int) -> Pool:
    pool = db.session.get(Pool, pool_id)
    if pool is None or not may_see(user, pool):
        raise NotFound("We could not find that pool.")
    return pool


def open_pools_for(user: User, *, service_id: int | None = None) -> list[Pool]:
    """Pools taking pledges that this person may join without an invite, nearest first: those
    for a service that names the holder's postcode district, then the rest of the authority,
    each by closing date."""
    holders = [holder for holder in buying_for(user) if holder.home_authority]
    if not holders:
        return []
    query = sa.select(Pool).where(
        Pool.state.in_(TAKING_PLEDGES), Pool.open_to != "invite",
        sa.or_(Pool.local_authority.in_({holder.home_authority for holder in holders}),
               Pool.local_authority == ""))
    if service_id is not None:
        query = query.where(Pool.service_id == service_id)
    found = [pool for pool in db.session.scalars(query)
             if any(open_to_holder(holder, pool) for holder in holders)]
    districts = {holder.home_district for holder in holders if holder.home_district}

    def nearest(pool: Pool):
        in_district = bool(districts & set(pool.service.postcode_districts or []))
        return (not in_district, pool.deadline_at, pool.id)

    return sorted(found, key=nearest)


def my_pools(user: User) -> list[Pool]:
    holder_ids = [holder.id for holder in consent.holders_for(user, "view")]
    if not holder_ids:
        return []
    return list(db.session.scalars(
        sa.select(Pool).join(PoolMember, PoolMember.pool_id == Pool.id)
        .where(PoolMember.holder_id.in_(holder_ids),
               PoolMember.state.in_(LIVE_MEMBER_STATES + ("left", "released")))
        .distinct().order_by(Pool.id.desc())))
