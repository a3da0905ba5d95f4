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

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.budgets.models import Allocation, Budget, FundingStream
from marketplace.commissioning import spend_days
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.summary_models import SPEND, SpendBudgetTotal, SpendDaily
from marketplace.commissioning.summary_state import coverage, valid_state
from marketplace.extensions import db
from marketplace.pools.models import Pool, PoolMember
from marketplace.providers.models import Service
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


def _facts(query: MarketQuery) -> sa.CTE:
    """The period's spending rows (summary and live tail) with what places each pound, as the
    summary placed it: kind of support, area, funding stream, route, and whether the provider
    is user-led or a micro-provider (its staff against the setting as it is now). Narrowed by
    the query's kind of support and area."""
    # Not summed first: nearly every (month, holder, service) has one summary row, so grouping
    # them only cost time (a tenth of the query at region size).
    rows = spend_days.SUMMARY.rows(coverage(SPEND, spend_days.settings(), query.since,
                                            query.until),
                                   ["month", "holder_id", "stream_id", "route", "category",
                                    "authority", "district", "user_led", "staff_count"],
                                   summed=False)
    wanted = [*([rows.c.category == query.category] if query.category else []),
              *([rows.c.authority == query.authority] if query.authority else []),
              *([rows.c.district == query.district] if query.district else [])]
    return (sa.select(rows.c.month, rows.c.holder_id, rows.c.spent_pence, rows.c.stream_id,
                      rows.c.route, rows.c.category, rows.c.authority, rows.c.user_led,
                      (rows.c.staff_count <= vocabulary.MICRO_PROVIDER_MAX_STAFF).label("micro"))
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


#: On PostgreSQL each holder falls in one of these buckets (id mod 63), and each figure
#: carries the set of buckets its holders fill: one bit each, OR-ed in the one pass that sums
#: every breakdown (grouping sets), where count(DISTINCT holder) sorted a year's 90,000 rows
#: once per breakdown. Filled buckets never outnumber the people behind a figure, so one
#: filling at least the disclosure threshold has at least that many people, which is all
#: disclosure asks; the rest are counted exactly by a second, small query.
BUCKETS = 63


def spend(query: MarketQuery) -> Spend:
    """Money spent in the period by breakdown. Each Money's people is exact below the
    disclosure threshold (DISCLOSURE_MIN_COUNT) and at least the threshold otherwise."""
    _roomy_planner()
    facts = _facts(query)
    parts = _breakdowns(facts)
    if db.session.get_bind().dialect.name == "postgresql":
        cells = _bucketed(facts, parts)
        _count_few_exactly(cells, parts, facts)
    else:
        cells = {(breakdown, key): Money(int(pence or 0), int(people))
                 for breakdown, key, pence, people in db.session.execute(sa.union_all(*(
                     _summed(name, key, facts, *where) for name, key, where in parts)))}
    found = Spend(months=london_months(query))
    streams = dict(db.session.execute(sa.select(FundingStream.id, FundingStream.name)).all())
    for (breakdown, key), money in cells.items():
        if breakdown in ("total", "user_led", "micro"):
            setattr(found, breakdown, money)
        elif breakdown == "stream":
            found.by_stream[streams[int(key)]] = money
        else:
            getattr(found, breakdown if breakdown.endswith("_by_month") else f"by_{breakdown}")[
                key] = money
    return found


def _breakdowns(facts) -> list[tuple[str, sa.ColumnElement | None, tuple]]:
    """(name, the column it breaks down by or None for a total, the flag its rows have)."""
    c = facts.c
    parts = [("total", None, ()), ("category", c.category, ()), ("area", c.authority, ()),
             ("month", c.month, ()), ("stream", c.stream_id, ()), ("route", c.route, ())]
    for flag in ("user_led", "micro"):
        parts += [(flag, None, (c[flag],)), (f"{flag}_by_month", c.month, (c[flag],))]
    return parts


def _bucketed(facts, parts) -> dict[tuple[str, str], Money]:
    """Every breakdown in one pass (GROUPING SETS), people as the count of filled buckets."""
    columns = [facts.c[name] for name in ("category", "authority", "month", "stream_id",
                                          "route", "user_led", "micro")]
    place = {column.name: i for i, column in enumerate(columns)}
    sets = {frozenset(place[column.name] for column in grouped): part
            for part, grouped in zip(parts, _grouped_sets(parts))}
    buckets = sa.func.bit_or(sa.cast(sa.literal(1), sa.BigInteger).op("<<")(
        facts.c.holder_id % BUCKETS))
    chosen = (sa.select(*columns, *(sa.func.grouping(column) for column in columns),
                        sa.func.sum(facts.c.spent_pence), buckets)
              .group_by(sa.func.grouping_sets(*(sa.tuple_(*grouped)
                                                for grouped in _grouped_sets(parts)))))
    cells = {}
    for row in db.session.execute(chosen):
        values, grouping = row[:len(columns)], row[len(columns):2 * len(columns)]
        name, key, flags = sets[frozenset(i for i, g in enumerate(grouping) if g == 0)]
        if all(values[place[flag.name]] for flag in flags):
            cell_key = "" if key is None else str(values[place[key.name]])
            cells[name, cell_key] = Money(int(row[-2] or 0), int(row[-1] or 0).bit_count())
    return cells


def _grouped_sets(parts) -> list[list]:
    return [[*flags, *([key] if key is not None else [])] for _, key, flags in parts]


def _count_few_exactly(cells: dict, parts: list, facts) -> None:
    """People behind the cells whose buckets fall short of the threshold, counted exactly."""
    threshold = current_rule().min_count
    few: dict[str, list[str]] = defaultdict(list)
    for (breakdown, key), money in cells.items():
        if money.people < threshold:
            few[breakdown].append(key)
    chosen = [_summed(name, key, facts, *where,
                      *([sa.cast(key, sa.String).in_(few[name])] if key is not None else []))
              for name, key, where in parts if name in few]
    if chosen:
        for breakdown, key, _, people in db.session.execute(sa.union_all(*chosen)):
            cells[breakdown, key].people = int(people)


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
    # Each budget of the period with what it spent, then one row per person: one pass over
    # the budgets, where reading them twice (for the allocations, then to choose the spending
    # rows) took twice as long.
    per_budget = chosen.subquery()
    total, adjustment = _spent_by_budget(query)
    spent_pence = sa.func.coalesce(adjustment.c.spent_pence, 0)
    if total is not None:
        spent_pence = spent_pence + sa.func.coalesce(total.c.spent_pence, 0)
    joined = per_budget.outerjoin(adjustment, adjustment.c.budget_id == per_budget.c.id)
    if total is not None:
        joined = joined.outerjoin(total, total.c.budget_id == per_budget.c.id)
    holders = (sa.select(per_budget.c.holder_id,
                         sa.func.sum(per_budget.c.planned_pence).label("allocated"),
                         sa.func.max(sa.case((per_budget.c.route == "direct", 1), else_=0))
                         .label("direct"),
                         sa.func.sum(spent_pence).label("spent"))
               .select_from(joined)
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


def _spent_by_budget(query: MarketQuery) -> tuple[sa.Table | None, sa.Subquery]:
    """What each budget spent from the start to the end of the period, as (totals, rows to add
    to them), each by budget_id with spent_pence. While the summary may be read the totals are
    spend_budget_totals and the rows take off the summarised days after the period and add
    the live tail; otherwise there are no totals and the rows are everything. Reading the
    totals and a small correction is one lookup per budget, where summing the summary by
    budget on every request was a third of the view's time."""
    settings = spend_days.settings()
    covered = coverage(SPEND, settings, None, query.until)
    if not covered.reads_summary:
        return None, _by_budget(spend_days.SUMMARY.rows(covered, ["budget_id"]))
    state = valid_state(SPEND, settings)
    parts = []
    daily = SpendDaily.__table__
    if covered.summary_to <= state.complete_through:
        parts.append(sa.select(daily.c.budget_id, (-daily.c.spent_pence).label("spent_pence"))
                     .where(daily.c.day >= covered.summary_to))
    if covered.live_until is not None:
        live = spend_days.SUMMARY.source(covered.live_since, covered.live_until,
                                         ["budget_id"]).subquery()
        parts.append(sa.select(live.c.budget_id, live.c.spent_pence))
    if not parts:  # a period ending the day the summary does: nothing to add
        parts.append(sa.select(daily.c.budget_id, daily.c.spent_pence).where(sa.false()))
    rows = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()
    return SpendBudgetTotal.__table__, _by_budget(rows)


def _by_budget(rows) -> sa.Subquery:
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
