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

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.budgets.models import Allocation, Budget, FundingStream
from marketplace.commissioning import spend_days
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.summary_models import SPEND
from marketplace.commissioning.summary_state import coverage
from marketplace.extensions import db
from marketplace.pools.models import Pool, PoolMember
from marketplace.providers.models import Provider, Service
from marketplace.times import london_date

#: Ledger kinds that are spending (a reversal counts as the kind it reverses): the spending
#: return's, so "spent" has one meaning.
SPENDING_KINDS = spend_days.SPENDING_KINDS
ROUTES = [("direct", "Direct payment"), ("managed", "Managed account"), ("pooled", "Pooled")]


@dataclass
class Money:
    """Pence and how many distinct budget holders they belong to (disclosure counts people)."""
    pence: int = 0
    people: int = 0


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
    #: Each person's share used is what their budgets spent from the start to the end of the
    #: period / what was allocated to those budgets (planned_pence), 0 to 1: the sum of the
    #: shares, and how many people have one (an allocation above nothing).
    used_sum: float
    used_people: int

    @property
    def average_used(self) -> float | None:
        return self.used_sum / self.used_people if self.used_people else None


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


def _service_authority() -> sa.ColumnElement:
    """The service's first listed authority, else the authority of its first postcode district."""
    first_district = Service.postcode_districts[0].as_string()
    return sa.func.coalesce(Service.local_authorities[0].as_string(),
                            sa.case(areas.DISTRICT_TO_AUTHORITY, value=first_district), "")


def _facts(query: MarketQuery) -> sa.CTE:
    """The period's spending rows (summary and live tail) with what places each pound: kind of
    support, area (the holder's home authority, else the service's), district, funding
    stream, route, and whether the provider is user-led or a micro-provider, as listed now.
    Narrowed by the query's kind of support and area."""
    # Not summed first: nearly every (month, holder, service) has one summary row, so grouping
    # them only cost time (a tenth of the query at region size).
    rows = spend_days.SUMMARY.rows(coverage(SPEND, spend_days.settings(), query.since,
                                            query.until),
                                   ["month", "holder_id", "stream_id", "service_id",
                                    "provider_id", "route"], summed=False)
    home = User.home_authority != ""
    authority = sa.case((home, User.home_authority), else_=_service_authority())
    district = sa.case((home, User.home_district),
                       else_=sa.func.coalesce(Service.postcode_districts[0].as_string(), ""))
    wanted = [*([Service.category == query.category] if query.category else []),
              *([authority == query.authority] if query.authority else []),
              *([district == query.district] if query.district else [])]
    return (sa.select(rows.c.month, rows.c.holder_id, rows.c.spent_pence, rows.c.stream_id,
                      rows.c.route, Service.category.label("category"),
                      authority.label("authority"),
                      sa.or_(Provider.provider_type == "ulo", Provider.is_user_led)
                      .label("user_led"),
                      (Provider.staff_count <= vocabulary.MICRO_PROVIDER_MAX_STAFF).label("micro"))
            .select_from(rows)
            .join(Service, Service.id == rows.c.service_id)
            .join(Provider, Provider.id == rows.c.provider_id)
            .join(User, User.id == rows.c.holder_id)
            .where(*wanted).cte("spend_facts"))


def _roomy_planner() -> None:
    """On PostgreSQL, for the rest of this transaction: sorts and hashes of the spending rows
    in memory (a year is 90,000 rows, ten sorts of them; the default 4 MB spilled each to
    disk); no JIT compilation (the plan's cost crosses jit_above_cost, and compiling it took
    longer, 140 ms, than running it gained); and no parallel workers (the budgets' query
    waited 100 ms for workers that then did almost nothing, on a busy two-core machine)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(sa.text("SET LOCAL jit = off"))
        db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))


def spend(query: MarketQuery) -> Spend:
    _roomy_planner()
    facts = _facts(query)
    breakdowns = {"total": None, "category": facts.c.category, "area": facts.c.authority,
                  "month": facts.c.month, "stream": facts.c.stream_id, "route": facts.c.route}
    parts = [_summed(name, key, facts) for name, key in breakdowns.items()]
    for flag in ("user_led", "micro"):
        parts.append(_summed(flag, None, facts, facts.c[flag]))
        parts.append(_summed(f"{flag}_by_month", facts.c.month, facts, facts.c[flag]))
    found = Spend(months=london_months(query))
    streams = dict(db.session.execute(sa.select(FundingStream.id, FundingStream.name)).all())
    for breakdown, key, pence, people in db.session.execute(sa.union_all(*parts)):
        money = Money(int(pence or 0), int(people or 0))
        if breakdown in ("total", "user_led", "micro"):
            setattr(found, breakdown, money)
        elif breakdown == "stream":
            found.by_stream[streams[int(key)]] = money
        else:
            getattr(found, f"by_{breakdown}" if breakdown in breakdowns else breakdown)[
                key] = money
    return found


def _summed(name: str, key, facts, *where) -> sa.Select:
    """(breakdown, key, pence, distinct holders) for one breakdown of the spending rows."""
    selected = sa.select(sa.literal(name).label("breakdown"),
                         (sa.cast(key, sa.String) if key is not None else sa.literal(""))
                         .label("key"),
                         sa.func.sum(facts.c.spent_pence), sa.func.count(sa.distinct(
                             facts.c.holder_id))).where(*where)
    return selected.group_by(key) if key is not None else selected


def budgets_in_period(query: MarketQuery) -> Budgets:
    """ASCOF 3D and budget used. An allocation runs [period_start, period_end); a person's
    area is their home authority (and district). The category filter does not apply: a
    budget is not for one kind of support."""
    _roomy_planner()
    first, after = london_date(query.since), london_date(query.until - timedelta(seconds=1)) \
        + timedelta(days=1)
    chosen = (sa.select(Budget.id, Budget.holder_id, Budget.route, Budget.planned_pence)
              .join(Allocation, Allocation.id == Budget.allocation_id)
              .where(Allocation.period_start < after, Allocation.period_end > first))
    if query.authority or query.district:
        chosen = chosen.join(User, User.id == Budget.holder_id).where(
            *([User.home_authority == query.authority] if query.authority else []),
            *([User.home_district == query.district] if query.district else []))
    # Each budget of the period with what it spent (summed by budget first, from the summary's
    # budget column), then one row per person: one pass over the budgets, where reading them
    # twice (for the allocations, then to choose the spending rows) took twice as long.
    per_budget = chosen.subquery()
    spent = _spent_by_budget(query)
    holders = (sa.select(per_budget.c.holder_id,
                         sa.func.sum(per_budget.c.planned_pence).label("allocated"),
                         sa.func.max(sa.case((per_budget.c.route == "direct", 1), else_=0))
                         .label("direct"),
                         sa.func.coalesce(sa.func.sum(spent.c.spent_pence), 0).label("spent"))
               .select_from(per_budget)
               .outerjoin(spent, spent.c.budget_id == per_budget.c.id)
               .group_by(per_budget.c.holder_id))
    # One row for everyone, summed in the database: tens of thousands of people, whose rows
    # took longer to fetch than to add up.
    per_person = holders.subquery()
    has_share = per_person.c.allocated > 0
    people, direct, used_sum, used_people = db.session.execute(sa.select(
        sa.func.count(), sa.func.sum(per_person.c.direct),
        sa.func.sum(sa.case((has_share, sa.cast(per_person.c.spent, sa.Float)
                             / per_person.c.allocated))),
        sa.func.count(sa.case((has_share, 1))))).one()
    # int(), float(): PostgreSQL's sum of bigints is a numeric.
    return Budgets(people=int(people), direct_payment_people=int(direct or 0),
                   used_sum=float(used_sum or 0), used_people=int(used_people))


def _spent_by_budget(query: MarketQuery) -> sa.Subquery:
    """(budget_id, spent_pence): what each budget spent from the start to the end of the
    period."""
    covered = coverage(SPEND, spend_days.settings(), None, query.until)
    rows = spend_days.SUMMARY.rows(covered, ["budget_id"])
    return (sa.select(rows.c.budget_id, sa.func.sum(rows.c.spent_pence).label("spent_pence"))
            .group_by(rows.c.budget_id).subquery())


def pools(query: MarketQuery) -> tuple[PoolTotals, PoolTotals]:
    """(funded, expired) in the period: how many and their target value. The people behind a
    funded pool are its paying members; behind an expired one, everyone who pledged. A pool
    is placed by its authority only, so a district filter leaves none."""
    funded, expired = PoolTotals(), PoolTotals()
    if query.district:
        return funded, expired
    moment = sa.case((Pool.state == "funded", Pool.funded_at), else_=Pool.ended_at)
    chosen = (sa.select(Pool.id, Pool.state, Pool.target_pence)
              .join(Service, Service.id == Pool.service_id)
              .where(Pool.state.in_(("funded", "expired")), moment >= query.since,
                     moment < query.until,
                     *([Service.category == query.category] if query.category else []),
                     *([Pool.local_authority == query.authority] if query.authority else [])))
    rows = db.session.execute(chosen).all()
    people: dict[str, set[int]] = {"funded": set(), "expired": set()}
    if rows:
        pool_ids = chosen.with_only_columns(Pool.id)
        for holder_id, member_state, pool_state in db.session.execute(
                sa.select(PoolMember.holder_id, PoolMember.state, Pool.state)
                .join(Pool, Pool.id == PoolMember.pool_id)
                .where(PoolMember.pool_id.in_(pool_ids))):
            # Behind a funded pool its paying members; behind an expired one all who pledged.
            if pool_state == "expired" or member_state == "paid":
                people[pool_state].add(holder_id)
    for row in rows:
        totals = funded if row.state == "funded" else expired
        totals.count += 1
        totals.value.pence += row.target_pence
    funded.value.people, expired.value.people = len(people["funded"]), len(people["expired"])
    return funded, expired
