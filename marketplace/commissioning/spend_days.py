"""Money spent, by London day, from the daily summary (spend_daily) for complete past days and
from the ledger for the rest (docs/spend-view.md says what counts as spent).

The summary keeps, per day, what a budget's spending lines fix for good (the holder, the
budget, its funding stream, the service and provider ordered and the route) and what placed
the money that day: the service's kind of support, the area (the holder's home area, else
the service's), whether the provider is user-led and its staff. A view reads the placing as
summarised, so a pound stays where it was spent when a listing or a home area changes
later, and no view joins 100,000 services to place a year of spending; the live tail
(today) is placed as listed now, which is the same thing.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace import areas
from marketplace.accounts.models import User
from marketplace.budgets import spending_return
from marketplace.budgets.models import Budget
from marketplace.commissioning.daily_summary import DailySummary
from marketplace.commissioning.summary_models import SPEND, SpendBudgetTotal, SpendDaily
from marketplace.extensions import db
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.pools.models import PoolMember
from marketplace.providers.models import Provider, Service
from marketplace.times import london_date, london_midnight

#: Ledger kinds that are spending (a reversal counts as the kind it reverses).
SPENDING_KINDS = tuple(spending_return.SPENDING_KINDS)

_original = so.aliased(LedgerTransaction)
_order_budget = so.aliased(Budget)


def _spending_lines(*columns) -> sa.Select:
    """Budget ledger lines of spending transactions of an order (the app settles and refunds
    only orders)."""
    return (sa.select(*columns).select_from(LedgerLine)
            .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
            .outerjoin(_original, _original.id == LedgerTransaction.reverses_id)
            .join(Order, Order.id == LedgerTransaction.order_id)
            .join(_order_budget, _order_budget.id == Order.budget_id)
            .join(Service, Service.id == Order.service_id)
            .join(Provider, Provider.id == Order.provider_id)
            .join(User, User.id == Order.holder_id)
            .where(LedgerLine.budget_id.is_not(None),
                   sa.func.coalesce(_original.kind, LedgerTransaction.kind).in_(SPENDING_KINDS)))


_pooled = sa.select(PoolMember.id).where(PoolMember.order_id == Order.id).exists()


def service_authority() -> sa.ColumnElement:
    """The service's first listed authority, else the authority of its first postcode district."""
    first_district = Service.postcode_districts[0].as_string()
    return sa.func.coalesce(Service.local_authorities[0].as_string(),
                            sa.case(areas.DISTRICT_TO_AUTHORITY, value=first_district), "")


_home = User.home_authority != ""

DIMENSIONS: tuple[tuple[str, sa.ColumnElement], ...] = (
    ("holder_id", Order.holder_id),
    ("budget_id", LedgerLine.budget_id),
    ("stream_id", _order_budget.stream_id),
    ("service_id", Order.service_id),
    ("provider_id", Order.provider_id),
    ("route", sa.case((_pooled, "pooled"), else_=Order.route)),
    ("category", Service.category),
    ("authority", sa.case((_home, User.home_authority), else_=service_authority())),
    ("district", sa.case((_home, User.home_district),
                         else_=sa.func.coalesce(Service.postcode_districts[0].as_string(), ""))),
    ("user_led", sa.or_(Provider.provider_type == "ulo", Provider.is_user_led)),
    ("staff_count", Provider.staff_count),
)
#: The budget's line falls by what it paid: a settle is -amount, a refund +amount.
MEASURES = (("spent_pence", sa.func.sum(-LedgerLine.amount_pence)), ("lines", sa.func.count()))


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _live_months(since: datetime | None, until: datetime) -> dict:
    """The London month of each line of [since, until), as an expression: one branch per
    month boundary inside the span."""
    first = london_date(since) if since is not None else london_date(until - timedelta(days=1))
    last = london_date(until - timedelta(seconds=1))
    branches, day = [], first.replace(day=1)
    while True:
        following = (day + timedelta(days=32)).replace(day=1)
        if following > last:
            break
        branches.append((LedgerLine.created_at < london_midnight(following), month_of(day)))
        day = following
    month = month_of(last)
    return {"month": sa.case(*branches, else_=month) if branches else sa.literal(month)}


def settings() -> dict:
    return {"kinds": list(SPENDING_KINDS), "dimensions": [name for name, _ in DIMENSIONS]}


def _total_by_budget() -> None:
    """spend_budget_totals from spend_daily as it now stands (about 0.2 s at region size)."""
    db.session.execute(sa.delete(SpendBudgetTotal))
    daily = SpendDaily.__table__
    db.session.execute(sa.insert(SpendBudgetTotal).from_select(
        ["budget_id", "spent_pence"],
        sa.select(daily.c.budget_id, sa.func.sum(daily.c.spent_pence)).group_by(daily.c.budget_id)))


SUMMARY = DailySummary(
    name=SPEND, table=SpendDaily.__table__, base=_spending_lines, moment=LedgerLine.created_at,
    dimensions=DIMENSIONS, measures=MEASURES, settings=settings,
    day_columns=lambda day: {"day": day, "month": month_of(day)},
    live_day_columns=_live_months,
    # Every budget line of a day, from its index: new spending lines always add to it.
    check_base=lambda *columns: sa.select(*columns).select_from(LedgerLine)
    .where(LedgerLine.budget_id.is_not(None)),
    after_change=_total_by_budget)
