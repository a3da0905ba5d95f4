"""Spend: money people's budgets paid to providers in a period (docs/spend-view.md). True
pence and people here; spend_figures puts every figure through disclosure control.

"Spent" is the spending return's meaning (docs/spending-return.md), summed over every
budget: a budget's ledger lines in `settle` transactions (an order confirmed, auto-confirmed
or a dispute settled for the provider: reserved -> provider payable) count as spent on the
London day of the line, `refund` transactions (payable -> budget available) as minus, and a
`reversal` as what it reverses. Reserving money for an order, or a card payment for an order
not yet confirmed, is not spending.

Each pound is placed once in every breakdown:
- category: the ordered service's primary category;
- area: the holder's home authority if they gave one, else the service's first authority
  (its first listed authority, else the authority of its first postcode district);
- month: the London month of the ledger line;
- funding stream: the budget's stream;
- route: "pooled" for a share order of a group purchase (pool_members.order_id), otherwise
  the order's route, direct payment or managed account;
- user-led: the provider is a ULO (provider_type 'ulo' or is_user_led); micro: the provider
  has vocabulary.MICRO_PROVIDER_MAX_STAFF staff or fewer today.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.budgets import spending_return
from marketplace.budgets.models import Allocation, Budget, FundingStream
from marketplace.commissioning.market_map import MarketQuery
from marketplace.extensions import db
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.pools.models import Pool, PoolMember
from marketplace.providers.models import Provider, Service
from marketplace.times import london_date

#: Ledger kinds that are spending (a reversal counts as the kind it reverses): the spending
#: return's, so "spent" has one meaning.
SPENDING_KINDS = tuple(spending_return.SPENDING_KINDS)
ROUTES = [("direct", "Direct payment"), ("managed", "Managed account"), ("pooled", "Pooled")]


@dataclass
class Money:
    """Pence and the distinct budget holders they belong to (disclosure counts people)."""
    pence: int = 0
    holders: set[int] = field(default_factory=set)

    def add(self, pence: int, holder_id: int) -> None:
        self.pence += pence
        self.holders.add(holder_id)

    @property
    def people(self) -> int:
        return len(self.holders)


def _money_by() -> defaultdict[str, Money]:
    return defaultdict(Money)


@dataclass
class Spend:
    months: list[str]
    total: Money = field(default_factory=Money)
    by_category: defaultdict[str, Money] = field(default_factory=_money_by)
    by_area: defaultdict[str, Money] = field(default_factory=_money_by)
    by_month: defaultdict[str, Money] = field(default_factory=_money_by)
    by_stream: defaultdict[str, Money] = field(default_factory=_money_by)
    by_route: defaultdict[str, Money] = field(default_factory=_money_by)
    user_led_by_month: defaultdict[str, Money] = field(default_factory=_money_by)
    micro_by_month: defaultdict[str, Money] = field(default_factory=_money_by)
    user_led: Money = field(default_factory=Money)
    micro: Money = field(default_factory=Money)


@dataclass(frozen=True)
class Budgets:
    """People with a budget whose allocation period overlaps the period."""
    people: int
    direct_payment_people: int
    #: Each person's share used: what their budgets spent from the start to the end of the
    #: period / what was allocated to those budgets (planned_pence), 0 to 1.
    used: list[float]


@dataclass
class PoolTotals:
    count: int = 0
    value: Money = field(default_factory=Money)


def london_months(query: MarketQuery) -> list[str]:
    """'2026-11' for every London month the period touches, oldest first."""
    first, last = london_date(query.since), london_date(query.until - timedelta(seconds=1))
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(f"{day.year}-{day.month:02d}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def month_label(month: str) -> str:
    year, number = month.split("-")
    return date(int(year), int(number), 1).strftime("%B %Y")


def _spending(*columns) -> sa.Select:
    """Budget ledger lines of spending transactions (a reversal by what it reverses)."""
    original = so.aliased(LedgerTransaction)
    counts_as = sa.func.coalesce(original.kind, LedgerTransaction.kind)
    return (sa.select(*columns)
            .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
            .outerjoin(original, original.id == LedgerTransaction.reverses_id)
            .where(LedgerLine.budget_id.is_not(None), counts_as.in_(SPENDING_KINDS)))


def _spending_lines(query: MarketQuery):
    return db.session.execute(
        _spending(LedgerLine.budget_id, LedgerLine.amount_pence, LedgerLine.created_at,
                  LedgerTransaction.order_id)
        .where(LedgerLine.created_at >= query.since, LedgerLine.created_at < query.until)
    ).all()


@dataclass(frozen=True)
class _OrderFacts:
    holder_id: int
    category: str
    authority: str
    district: str
    stream: str
    route: str
    user_led: bool
    micro: bool


def service_authority(local_authorities: list[str] | None, districts: list[str] | None) -> str:
    for authority in local_authorities or []:
        return authority
    for district in districts or []:
        if district in areas.DISTRICT_TO_AUTHORITY:
            return areas.DISTRICT_TO_AUTHORITY[district]
    return ""


def _order_facts(order_ids: set[int]) -> dict[int, _OrderFacts]:
    if not order_ids:
        return {}
    pooled = set(db.session.scalars(sa.select(PoolMember.order_id)
                                    .where(PoolMember.order_id.in_(order_ids))))
    rows = db.session.execute(
        sa.select(Order.id, Order.holder_id, Order.route, Service.category,
                  Service.local_authorities, Service.postcode_districts,
                  User.home_authority, User.home_district, FundingStream.name,
                  Provider.provider_type, Provider.is_user_led, Provider.staff_count)
        .join(Service, Service.id == Order.service_id)
        .join(Provider, Provider.id == Order.provider_id)
        .join(User, User.id == Order.holder_id)
        .join(Budget, Budget.id == Order.budget_id)
        .join(FundingStream, FundingStream.id == Budget.stream_id)
        .where(Order.id.in_(order_ids))).all()
    facts = {}
    for row in rows:
        district = row.home_district if row.home_authority else next(
            iter(row.postcode_districts or []), "")
        facts[row.id] = _OrderFacts(
            holder_id=row.holder_id, category=row.category,
            authority=row.home_authority or service_authority(row.local_authorities,
                                                              row.postcode_districts),
            district=district or "", stream=row.name,
            route="pooled" if row.id in pooled else row.route,
            user_led=row.provider_type == "ulo" or row.is_user_led,
            micro=row.staff_count <= vocabulary.MICRO_PROVIDER_MAX_STAFF)
    return facts


def _wanted(query: MarketQuery, facts: _OrderFacts) -> bool:
    if query.category and facts.category != query.category:
        return False
    if query.authority and facts.authority != query.authority:
        return False
    return not query.district or facts.district == query.district


def spend(query: MarketQuery) -> Spend:
    lines = _spending_lines(query)
    facts = _order_facts({order_id for *_, order_id in lines if order_id is not None})
    found = Spend(months=london_months(query))
    for _budget_id, amount, created_at, order_id in lines:
        order = facts.get(order_id)
        if order is None or not _wanted(query, order):
            continue  # the app settles and refunds only orders
        # The budget's line falls by what it paid: a settle is -amount, a refund +amount.
        pence, holder = -amount, order.holder_id
        month = f"{london_date(created_at).year}-{london_date(created_at).month:02d}"
        found.total.add(pence, holder)
        found.by_category[order.category].add(pence, holder)
        found.by_area[order.authority].add(pence, holder)
        found.by_month[month].add(pence, holder)
        found.by_stream[order.stream].add(pence, holder)
        found.by_route[order.route].add(pence, holder)
        if order.user_led:
            found.user_led.add(pence, holder)
            found.user_led_by_month[month].add(pence, holder)
        if order.micro:
            found.micro.add(pence, holder)
            found.micro_by_month[month].add(pence, holder)
    return found


def budgets_in_period(query: MarketQuery) -> Budgets:
    """ASCOF 3D and budget used. An allocation runs [period_start, period_end); a person's
    area is their home authority (and district). The category filter does not apply: a
    budget is not for one kind of support."""
    first, after = london_date(query.since), london_date(query.until - timedelta(seconds=1)) \
        + timedelta(days=1)
    rows = db.session.execute(
        sa.select(Budget.id, Budget.holder_id, Budget.route, Budget.planned_pence)
        .join(Allocation, Allocation.id == Budget.allocation_id)
        .join(User, User.id == Budget.holder_id)
        .where(Allocation.period_start < after, Allocation.period_end > first,
               *([User.home_authority == query.authority] if query.authority else []),
               *([User.home_district == query.district] if query.district else []))).all()
    holders, direct = set(), set()
    allocated: defaultdict[int, int] = defaultdict(int)
    for row in rows:
        holders.add(row.holder_id)
        if row.route == "direct":
            direct.add(row.holder_id)
        allocated[row.holder_id] += row.planned_pence
    spent = _spent_to(query, [row.id for row in rows])
    used = [spent.get(holder, 0) / allocated[holder] for holder in sorted(holders)
            if allocated[holder] > 0]
    return Budgets(people=len(holders), direct_payment_people=len(direct), used=used)


def _spent_to(query: MarketQuery, budget_ids: list[int]) -> dict[int, int]:
    """What each holder's budgets spent from the start to the end of the period."""
    if not budget_ids:
        return {}
    rows = db.session.execute(
        _spending(Budget.holder_id, sa.func.sum(LedgerLine.amount_pence))
        .join(Budget, Budget.id == LedgerLine.budget_id)
        .where(LedgerLine.budget_id.in_(budget_ids), LedgerLine.created_at < query.until)
        .group_by(Budget.holder_id)).all()
    return {holder: -int(total) for holder, total in rows}


def pools(query: MarketQuery) -> tuple[PoolTotals, PoolTotals]:
    """(funded, expired) in the period: how many and their target value. The people behind a
    funded pool are its paying members; behind an expired one, everyone who pledged. A pool
    is placed by its authority only, so a district filter leaves none."""
    funded, expired = PoolTotals(), PoolTotals()
    if query.district:
        return funded, expired
    moment = sa.case((Pool.state == "funded", Pool.funded_at), else_=Pool.ended_at)
    rows = db.session.execute(
        sa.select(Pool.id, Pool.state, Pool.target_pence)
        .join(Service, Service.id == Pool.service_id)
        .where(Pool.state.in_(("funded", "expired")), moment >= query.since,
               moment < query.until,
               *([Service.category == query.category] if query.category else []),
               *([Pool.local_authority == query.authority] if query.authority else []))).all()
    paying: defaultdict[int, set[int]] = defaultdict(set)
    pledged: defaultdict[int, set[int]] = defaultdict(set)
    if rows:
        for pool_id, holder_id, state in db.session.execute(
                sa.select(PoolMember.pool_id, PoolMember.holder_id, PoolMember.state)
                .where(PoolMember.pool_id.in_([row.id for row in rows]))):
            pledged[pool_id].add(holder_id)
            if state == "paid":
                paying[pool_id].add(holder_id)
    for row in rows:
        totals = funded if row.state == "funded" else expired
        totals.count += 1
        totals.value.pence += row.target_pence
        totals.value.holders |= (paying if row.state == "funded" else pledged)[row.id]
    return funded, expired
