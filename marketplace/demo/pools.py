"""The demo's pools, written after its money (demo/money.py), through the real pool services so
every pledge is a real reservation: one open pool anyone may join, with custom shares (two
larger and one smaller, for someone with less to spend; the demo holder can try taking the
open one), one funded into share orders the provider can accept, one short of an approval
the demo account manager can give, one that expired with every penny back, and one that has
just reached its closing date and is collecting: every share is approved, so the worker's
next pool-deadlines run (within five minutes of `make run`) funds it, as it would any pool.

Only managed-account and not-yet-saved card pledges are used, so seeding needs no card
server. Deterministic: the services are the first poolable ones by id. The demo holders live
where the open pool is (accounts.home_area), so it is near them: on their Pools page, on the
service's page and on search results."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace import areas
from marketplace.accounts.home_area import set_home_area
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget
from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.funding import expire_pool
from marketplace.pools.models import Pool
from marketplace.pools.services import Pledge, PoolRequest
from marketplace.providers.models import Service
from marketplace.times import london_today, utcnow


def _budget(email: str, route: str) -> tuple[User, Budget]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    budget = db.session.scalar(sa.select(Budget).where(Budget.holder_id == user.id,
                                                       Budget.route == route))
    return user, budget


def _start(service: Service, starter, *, sessions: int, min_members: int, max_members: int,
           open_to: str, title: str, what: str, name: str,
           shares: tuple[int, ...] = ()) -> Pool:
    holder, budget = starter
    request = PoolRequest(service_id=service.id, sessions=sessions, min_members=min_members,
                          max_members=max_members,
                          deadline_on=london_today() + timedelta(days=21), open_to=open_to,
                          title=title, what_it_buys=what, shares_pence=shares)
    return pools.start_pool(holder, holder.id, request, Pledge(budget.id, name)).pool


def _join(pool: Pool, member, name: str, share_pence: int | None = None) -> None:
    holder, budget = member
    pools.join_pool(holder, holder.id, pool.id, Pledge(budget.id, name, share_pence))


def _live_near(service: Service, people: list[tuple[User, Budget]]) -> str:
    """Give every demo holder a home in the service's area: the first two in a district it
    names (listed first on the Pools page), the others elsewhere in the authority. Returns the
    authority's name."""
    districts = list(service.postcode_districts or [])
    authority = ((service.local_authorities or [])[:1]
                 or [areas.DISTRICT_TO_AUTHORITY.get(d, "salford") for d in districts[:1]]
                 or ["salford"])[0]
    inside = [d for d in districts if areas.DISTRICT_TO_AUTHORITY.get(d) == authority]
    all_districts = areas.LOCAL_AUTHORITIES[authority][1]
    for number, (person, _) in enumerate(people):
        near = inside[0] if inside and number < 2 else all_districts[number % len(all_districts)]
        set_home_area(person, local_authority=authority, postcode_district=near,
                      interests=[service.category] if number % 2 == 0 else [])
    return areas.authority_name(authority)


def load_demo_pools(manager: User) -> int:
    """Write the demo pools; flushes, the caller commits. Returns how many."""
    services = db.session.scalars(
        sa.select(Service).where(Service.poolable.is_(True), Service.status == "active",
                                 Service.price_pence.between(100, 10_000),
                                 Service.category != "wellbeing",
                                 sa.or_(Service.capacity.is_(None), Service.capacity >= 4))
        .order_by(Service.id).limit(5)).all()
    if len(services) < 5:
        return 0
    holder = _budget("demo-holder@example.org", "managed")
    priya = _budget("demo-holder-2@example.org", "managed")
    tom = _budget("demo-holder-3@example.org", "direct")
    aisha = _budget("demo-holder-4@example.org", "managed")
    where = _live_near(services[0], [aisha, tom, holder, priya])

    def places(service, wanted):
        return min(wanted, service.capacity or wanted)

    # Custom shares: two people pay two fifths each, Tom (with less to spend) the rest.
    target = 4 * services[0].price_pence
    larger = target * 2 // 5
    open_pool = _start(services[0], aisha, sessions=4, min_members=3, max_members=3,
                       open_to="area", title=f"{services[0].title}: a group from {where}",
                       what="Four sessions, dates to agree with the provider.", name="Aisha",
                       shares=(larger, larger, target - 2 * larger))
    _join(open_pool, tom, "Tom", target - 2 * larger)

    # Shares of at most £50 are approved at once by the organisation's limit, so a full pool
    # goes ahead.
    funded = _start(services[1], aisha, sessions=1, min_members=2, max_members=3,
                    open_to="invite", title=f"{services[1].title} together",
                    what="One session for three friends.", name="Aisha B")
    _join(funded, priya, "Priya")
    _join(funded, holder, "Sam")

    # Shares over the organisation's £50 limit need its approval; one of two is given.
    weeks = max(10, -(-2 * 5_100 // services[2].price_pence))
    short = _start(services[2], priya, sessions=weeks, min_members=2, max_members=2,
                   open_to="invite", title=f"{services[2].title}: {weeks} weeks",
                   what=f"{weeks} weekly sessions.", name="P")
    _join(short, aisha, "A")
    for member in db.session.get(Pool, short.id).live_members[:1]:
        if member.state == "pledged":
            pools.approve_pledge(manager, member.id)

    expired = _start(services[3], priya, sessions=3, min_members=3, max_members=4,
                     open_to="invite", title=f"{services[3].title}: not enough takers",
                     what="Three sessions.", name="Priya S")
    _join(expired, aisha, "Aisha")
    expired = db.session.get(Pool, expired.id)
    expired.deadline_at = utcnow() - timedelta(days=2)  # its closing date has passed
    db.session.flush()
    expire_pool(expired)

    # Two small shares, both approved under the limit; its closing date has just passed.
    collecting = _start(services[4], holder, sessions=1, min_members=2, max_members=4,
                        open_to="invite", title=f"{services[4].title}: closing today",
                        what="One session.", name="Sam P")
    _join(collecting, priya, "Priya")
    collecting = db.session.get(Pool, collecting.id)
    collecting.deadline_at = utcnow() - timedelta(minutes=1)
    collecting.state = "collecting"  # as the worker's pool-deadlines run sets it
    db.session.flush()
    return 5
