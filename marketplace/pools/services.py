"""Starting, joining and leaving a pool (docs/pools.md). Every change of money is a ledger
posting keyed on the member row, so a retry never reserves or releases twice; a place is
taken by one conditional UPDATE, so the last place goes to exactly one person."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from marketplace import areas
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.orders.services import SpendingRuleRefusal, spending_rule_problem
from marketplace.pools import shares
from marketplace.pools.models import MAX_PLACES, OPEN_TO, Pool, PoolMember, PoolPlace
from marketplace.providers.models import Service
from marketplace.times import london_midnight, london_today, utcnow

MAX_SESSIONS = 500
#: A pool's deadline: from tomorrow to about six months ahead (London days).
LONGEST_DEADLINE_DAYS = 183


class PoolRefusal(DomainError):
    status = 409
    code = "pool_refused"


class PoolFull(PoolRefusal):
    code = "pool_full"


@dataclass(frozen=True)
class PoolRequest:
    service_id: int
    sessions: int
    min_members: int
    max_members: int
    deadline_on: date
    open_to: str = "invite"
    title: str = ""
    what_it_buys: str = ""
    #: A live quote from the needs board for this service: the pool buys its sessions at
    #: its price instead of the service's (docs/needs.md).
    quote_id: int | None = None
    #: Custom shares: every place's amount, adding up to the target; the pool then has
    #: exactly that many places (min_members and max_members are not used). Empty: equal.
    shares_pence: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Price:
    """What the pool buys: the service's price, or a quote's price and sessions."""

    sessions: int
    unit_price_pence: int
    price_unit: str
    local_authority: str
    category: str


@dataclass(frozen=True)
class Pledge:
    budget_id: int
    display_name: str
    #: Custom shares: the open place's amount the holder agrees to pay. The starter's is
    #: the first of the shares unless they say.
    share_pence: int | None = None


@dataclass(frozen=True)
class StartedPool:
    pool: Pool
    member: PoolMember
    #: Shown once, to the starter, inside the invite link; only its hash is kept.
    invite_token: str


def invite_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def deadline_moment(day: date) -> datetime:
    """The end of that London day: a pool "closes on 12 March" until midnight in London."""
    return london_midnight(day + timedelta(days=1))


def _quoted_price(request: PoolRequest, service: Service) -> _Price:
    from marketplace.needs.models import Quote  # the needs board builds on pools

    quote = db.session.get(Quote, request.quote_id)
    if quote is None or quote.service_id != service.id or quote.state != "live":
        raise NotFound("We could not find that quote.", field="quote_id")
    return _Price(quote.sessions, quote.price_pence, quote.price_unit,
                  quote.need.local_authority, quote.need.category)


def _authority_of(service: Service) -> str:
    """The service's first local authority, or for one that names only postcode districts,
    the authority of its first district: a pool open to the area is for the people there."""
    if service.local_authorities:
        return service.local_authorities[0]
    districts = service.postcode_districts or []
    return areas.DISTRICT_TO_AUTHORITY.get(districts[0], "") if districts else ""


def _checked_request(request: PoolRequest) -> tuple[Service, _Price]:
    service = db.session.get(Service, request.service_id)
    if service is None or service.status != "active":
        raise NotFound("That service is not available.", field="service_id")
    if request.quote_id is not None:
        # The provider quoted for a group on the needs board, which is its say-so to pool.
        price = _quoted_price(request, service)
    else:
        if not service.poolable:
            raise DomainError("This provider has not said this service can be pooled.",
                              field="service_id")
        if service.price_pence == 0:
            raise DomainError("This service is free, so there is nothing to pool. Contact "
                              "the provider to join.", field="service_id")
        price = _Price(request.sessions, service.price_pence, service.price_unit,
                       _authority_of(service), service.category)
    if not 1 <= price.sessions <= MAX_SESSIONS:
        raise DomainError(f"Enter a number of sessions from 1 to {MAX_SESSIONS}",
                          field="sessions")
    places = min(MAX_PLACES, service.capacity or MAX_PLACES)
    if request.shares_pence:
        sessions = f"{price.sessions} session{'s' if price.sessions != 1 else ''}"
        shares.check_custom(request.shares_pence, price.sessions * price.unit_price_pence,
                            places, sessions)
    elif not 2 <= request.min_members <= places:
        raise DomainError(f"Enter a smallest group from 2 to {places}", field="min_members")
    elif not request.min_members <= request.max_members <= places:
        raise DomainError(f"Enter a largest group from {request.min_members} to {places}"
                          + (f" (the provider takes up to {service.capacity})"
                             if service.capacity else ""), field="max_members")
    today = london_today()
    if not today < request.deadline_on <= today + timedelta(days=LONGEST_DEADLINE_DAYS):
        raise DomainError("Choose a closing date from tomorrow to six months ahead",
                          field="closing_date")
    if request.open_to not in OPEN_TO:
        raise DomainError("Choose who may join", field="open_to")
    return service, price


def start_pool(actor: User, holder_id: int, request: PoolRequest, pledge: Pledge) -> StartedPool:
    """Start a pool and make the starter its first member, with their pledge reserved."""
    holder = consent.holder_for(actor, holder_id, "buy")
    service, price = _checked_request(request)
    _checked_pledge(holder, service, pledge)
    token = secrets.token_urlsafe(24)
    custom = len(request.shares_pence)
    pool = Pool(
        service_id=service.id, provider_id=service.provider_id, started_by_id=actor.id,
        title=(request.title.strip() or service.title)[:160],
        what_it_buys=request.what_it_buys.strip(), sessions=price.sessions,
        unit_price_pence=price.unit_price_pence, price_unit=price.price_unit,
        target_pence=price.sessions * price.unit_price_pence,
        share_rule="custom" if custom else "equal",
        min_members=custom or request.min_members, max_members=custom or request.max_members,
        deadline_at=deadline_moment(request.deadline_on),
        open_to=request.open_to, local_authority=price.local_authority,
        category=price.category, invite_token_hash=invite_token_hash(token), member_count=0,
    )
    db.session.add(pool)
    db.session.flush()
    db.session.add_all(PoolPlace(pool_id=pool.id, place=n, share_pence=amount)
                       for n, amount in enumerate(request.shares_pence, start=1))
    db.session.flush()
    if custom and pledge.share_pence is None:
        pledge = replace(pledge, share_pence=request.shares_pence[0])
    shares.check_open(pool, pledge.share_pence)
    member = _pledge(actor, holder, pool, pledge)
    return StartedPool(pool, member, token)


def join_pool(actor: User, holder_id: int, pool_id: int, pledge: Pledge) -> PoolMember:
    """Pledge the holder's share: the place is taken and the money reserved together."""
    holder = consent.holder_for(actor, holder_id, "buy")
    pool = db.session.get(Pool, pool_id)
    if pool is None:
        raise NotFound("We could not find that pool.")
    if pool.state not in ("open", "short"):
        raise PoolRefusal("This pool is no longer taking pledges.")
    if any(member.holder_id == holder.id for member in pool.live_members):
        raise PoolRefusal("You are already in this pool.")
    shares.check_open(pool, pledge.share_pence)
    if pool.state == "short":
        _free_a_failed_place(pool, pledge.share_pence)
    member = _pledge(actor, holder, pool, pledge)
    if pool.state == "short":
        from marketplace.pools.funding import fix_shares  # see _close_if_ready

        fix_shares(pool)
        if member.route == "managed" and member.state == "secured":
            _close_if_ready(pool)
    else:
        _close_if_ready(pool)
    return member


def _free_a_failed_place(pool: Pool, share_pence: int | None) -> None:
    """A short pool takes someone new in the place of a member whose share did not come in
    (they were asked first, and are told); with custom shares, the place at the amount the
    newcomer chose."""
    failed = [member for member in pool.live_members if member.state == "failed"
              and (not pool.custom or member.share_pence == share_pence)]
    if not failed:
        if pool.places_left == 0:
            raise PoolFull("This pool is now full.")
        return
    gone = failed[0]
    from marketplace.pools.cards import cancel_authorisation

    cancel_authorisation(gone)
    if release_pledge(gone, "released", f"Pool {pool.id}: your place went to someone else, "
                      "money back in the budget"):
        _give_back_place(pool)
        notify(gone.holder, f"Your share of {pool.title} did not come in, so your place went "
               "to someone else. Every penny you pledged is back in your budget.",
               email_subject="Your place in a group purchase went to someone else")


def _close_if_ready(pool: Pool) -> None:
    # Imported here: funding builds on these services (it releases pledges through them).
    from marketplace.pools.funding import refill, start_collecting_if_full

    start_collecting_if_full(pool) or refill(pool)


def _checked_pledge(holder: User, service: Service, pledge: Pledge) -> tuple[Budget, str]:
    """The budget and display name of a pledge the holder could make, or why not."""
    budget = db.session.get(Budget, pledge.budget_id)
    if budget is None or budget.holder_id != holder.id:
        raise NotFound("We could not find that budget.", field="budget_id")
    problem = spending_rule_problem(budget, service)
    if problem:
        raise SpendingRuleRefusal(problem, field="budget_id")
    display_name = " ".join(pledge.display_name.split())
    if not 1 <= len(display_name) <= 60:
        raise DomainError("Enter the name other members will see, up to 60 characters",
                          field="display_name")
    return budget, display_name


def _pledge(actor: User, holder: User, pool: Pool, pledge: Pledge) -> PoolMember:
    budget, display_name = _checked_pledge(holder, pool.service, pledge)
    _take_place(pool)
    share = pledge.share_pence if pool.custom else shares.most_anyone_pays(
        pool.target_pence, pool.min_members)
    member = PoolMember(
        pool_id=pool.id, holder_id=holder.id, budget_id=budget.id,
        display_name=display_name, pledged_pence=share, route=budget.route, state="pledged",
        pledged_by_id=actor.id, share_pence=share if pool.custom else None,
    )
    db.session.add(member)
    db.session.flush()
    if pool.custom and not shares.claim_place(pool, member, share):
        raise PoolFull("Someone has just taken that share. Choose another.",
                       field="share_pence")
    available = ledger.account_balance(ledger.budget_available_account(budget.id))
    ledger.move(
        "reserve", f"Set aside for pool {pool.id}: {pool.title}", share,
        ledger.budget_available_account(budget.id), ledger.budget_reserved_account(budget.id),
        actor_id=actor.id, on_behalf_of_id=consent.on_behalf_of_id(actor, holder),
        idempotency_key=f"pool-member-{member.id}-reserve",
        insufficient_message=(
            f"There is not enough left in this budget: {format_pence(available)} is available "
            f"and your share is {'' if pool.custom else 'up to '}{format_pence(share)}."
        ),
    )
    _ask_for_approval_or_approve(member, budget)
    db.session.flush()
    db.session.refresh(pool)
    return member


def _take_place(pool: Pool) -> None:
    """One conditional UPDATE: of many people pledging for the last place, one gets it."""
    taken = db.session.execute(
        sa.update(Pool).where(Pool.id == pool.id, Pool.state.in_(("open", "short")),
                              Pool.member_count < Pool.max_members)
        .values(member_count=Pool.member_count + 1, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if taken != 1:
        raise PoolFull("This pool is now full.")
    db.session.expire(pool, ["member_count"])


def _give_back_place(pool: Pool) -> None:
    db.session.execute(
        sa.update(Pool).where(Pool.id == pool.id, Pool.member_count > 0)
        .values(member_count=Pool.member_count - 1, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(pool, ["member_count"])


def _ask_for_approval_or_approve(member: PoolMember, budget: Budget) -> None:
    organisation = budget.managed_by
    if organisation is None:
        return  # a direct payment: the card is saved next (pools/cards.py)
    if member.pledged_pence <= organisation.auto_approve_limit_pence:
        member.state = "secured"
        return
    for staff in organisation.members:
        notify(staff.user, f"{member.holder.display_name} wants to put up to "
               f"{format_pence(member.pledged_pence)} into a group purchase: "
               f"{member.pool.title}. Please approve or refuse it.",
               email_subject="A group purchase is waiting for your approval")


def _set_member_state(member: PoolMember, from_states: tuple[str, ...], to_state: str) -> bool:
    """Compare-and-set, so two requests (or a request and the worker) cannot both act."""
    changed = db.session.execute(
        sa.update(PoolMember).where(PoolMember.id == member.id,
                                    PoolMember.state.in_(from_states))
        .values(state=to_state, updated_at=utcnow(),
                ended_at=utcnow() if to_state in ("left", "released") else None),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.expire(member)
    return changed == 1


def release_pledge(member: PoolMember, to_state: str, description: str,
                   actor: User | None = None) -> bool:
    """Give a pledge's place back and every penny of its reservation; False if it was not
    live (a retry, or someone else got there first)."""
    if not _set_member_state(member, ("pledged", "secured", "failed"), to_state):
        return False
    shares.free_place(member)
    ledger.move(
        "release", description, member.pledged_pence,
        ledger.budget_reserved_account(member.budget_id),
        ledger.budget_available_account(member.budget_id),
        actor_id=actor.id if actor else None,
        idempotency_key=f"pool-member-{member.id}-release",
    )
    return True


def leave_pool(actor: User, member_id: int) -> PoolMember:
    """Leave before the pool is funded: the pledge is released at once."""
    member = db.session.get(PoolMember, member_id)
    if member is None or not consent.may_act_for(actor, member.holder_id, "buy"):
        raise NotFound("We could not find that pledge.")
    pool = member.pool
    if pool.state != "open":
        raise PoolRefusal("You can leave only while the pool is still taking pledges.")
    if not release_pledge(member, "left", f"Pool {pool.id}: left, money back in the budget",
                          actor):
        raise PoolRefusal("You are no longer in this pool.")
    _give_back_place(pool)
    db.session.flush()
    return member


def _organisation_staff_of(actor: User, member: PoolMember) -> bool:
    organisation = member.budget.managed_by
    return organisation is not None and any(
        staff.user_id == actor.id for staff in organisation.members)


def approve_pledge(actor: User, member_id: int) -> PoolMember:
    member = db.session.get(PoolMember, member_id)
    if member is None or member.route != "managed" or not _organisation_staff_of(actor, member):
        raise NotFound("We could not find that pledge.")
    if not _set_member_state(member, ("pledged", "failed"), "secured"):
        raise PoolRefusal("This pledge is not waiting for approval.")
    notify(member.holder, f"Your share of {member.pool.title} is approved.",
           email_subject="Your group purchase share is approved")
    db.session.flush()
    _close_if_ready(member.pool)
    return member


def refuse_pledge(actor: User, member_id: int, reason: str) -> PoolMember:
    member = db.session.get(PoolMember, member_id)
    if member is None or member.route != "managed" or not _organisation_staff_of(actor, member):
        raise NotFound("We could not find that pledge.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the pledge is not approved", field="reason")
    pool = member.pool
    if pool.state not in ("open", "collecting", "short") or not release_pledge(
            member, "released", f"Pool {pool.id}: not approved, money back in the budget",
            actor):
        raise PoolRefusal("This pledge is not waiting for approval.")
    _give_back_place(pool)
    notify(member.holder, f"Your share of {pool.title} was not approved: {reason}. "
           "The money is back in your budget.",
           email_subject="Your group purchase share was not approved")
    db.session.flush()
    return member
