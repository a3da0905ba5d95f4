"""Fill a PostgreSQL database with a region-sized market for the commissioners' views (issue 10):
100,000 services, 50,000 budget holders, 1,000,000 ledger lines and 2,000,000 search-log rows,
spread over the 13 months before now.

    DATABASE_URL=postgresql://pathways:pathways@127.0.0.1/pathways_perf_bench \\
        .venv/bin/python -m bench.generate_commissioning

The target database is EMPTIED (every table dropped) and migrated. Then:

- providers and services from bench/generate_market.py (the demo generator with a long tail of
  words; about 15,000 providers);
- a commissioner (commissioner@bench.invalid, password "bench-password") and the holders, each
  living in a local authority (weighted by population), most with a postcode district;
- three funding streams and five managed-account organisations; each holder has a year's
  allocation renewed each year (direct payment, managed account, or split between the two), paid
  in instalments every 4, 13, 26 or 52 weeks; instalments due by today are paid in, as the
  `pay-instalments` job does, each with its allocation transaction;
- orders for services serving the holder's area, placed through the year: each reserves money
  (never more than the budget has available at that moment), then is settled to the provider
  (confirmed), released (cancelled or declined), settled and refunded, or is still open if
  recent; a few share orders are grouped into funded pools, and some pools expired;
- reviews of confirmed orders (some services reviewed poorly, so "services to review" has
  members), moderators' decisions and reports, needs with quotes, and the search log
  (bench/commissioning_demand.py).

Rows go in with COPY (bench/copy_rows.py), the ledger with its guard triggers switched off for
the load, as in bench/statement_page.py; every cached balance is then set from the lines and
`check_ledger` must agree (every transaction balances, every budget's allocated = spent +
committed + available, instalments match their transactions). Same seed, same rows, ending at
the moment given (`--end`, default now).
"""
from __future__ import annotations

import argparse
import heapq
import os
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from bench.copy_rows import copy_rows, move_sequences
from bench.orders_throughput import commit_and_analyse, engine_url, fresh_app

PASSWORD = "bench-password"
COMMISSIONER_EMAIL = "commissioner@bench.invalid"
DEFAULT_SEED = 2610
DAYS = 395
#: Share of the people who live in each authority (roughly Greater Manchester's population).
AUTHORITY_WEIGHTS = {"manchester": 20, "wigan": 12, "stockport": 11, "bolton": 10,
                     "salford": 10, "trafford": 8, "tameside": 8, "oldham": 8, "rochdale": 8,
                     "bury": 7}
STREAMS = [(1, "Adult social care", "social_care", 70), (2, "Personal health budget", "health", 20),
           (3, "Joint budget", "joint", 10)]
ORGANISATIONS = ["Salford Independent Living", "Manchester Peer Accounts", "Wigan Support Brokers",
                 "Stockport Managed Accounts", "Bolton Direct Support"]
INSTALMENT_WEEKS = {4: 5, 13: 35, 26: 25, 52: 35}
ROUTES = {"direct": 30, "managed": 60, "split": 10}
QUANTITY = {"hour": (2, 16), "session": (1, 8), "item": (1, 1), "month": (1, 3), "day": (1, 3),
            "week": (1, 4)}


@dataclass
class Budget:
    id: int
    holder_id: int
    stream_id: int
    route: str
    managed_by_id: int | None
    planned_pence: int
    instalments: list[tuple[date, int]]
    #: The day after the allocation's last day.
    period_end: date


@dataclass
class World:
    """What the later steps need to know of what went in."""
    start: datetime
    end: datetime
    commissioner_id: int
    holders: list[tuple[int, str, str]] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    #: (service id, provider id, category, price pence, price unit, title, poolable, authority)
    services: list[tuple] = field(default_factory=list)
    by_authority: dict[str, list[int]] = field(default_factory=dict)
    #: (order id, holder id, budget id, service row, quantity, placed, settled or None, state,
    #: route)
    orders: list[tuple] = field(default_factory=list)


def london_moment(day: date, hour: int = 1) -> datetime:
    from marketplace.times import LONDON

    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON).astimezone(timezone.utc)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def load_services(connection, world: World) -> None:
    from marketplace import areas
    from marketplace.providers.models import Service

    rows = connection.execute(sa.select(
        Service.id, Service.provider_id, Service.category, Service.price_pence,
        Service.price_unit, Service.title, Service.poolable, Service.local_authorities,
        Service.postcode_districts).where(Service.status == "active", Service.price_pence > 0)
        .order_by(Service.id)).all()
    for row in rows:
        served = set(row.local_authorities or []) | {
            areas.DISTRICT_TO_AUTHORITY[d] for d in row.postcode_districts or []
            if d in areas.DISTRICT_TO_AUTHORITY}
        first = (row.local_authorities or [None])[0] or next(
            (areas.DISTRICT_TO_AUTHORITY[d] for d in row.postcode_districts or []
             if d in areas.DISTRICT_TO_AUTHORITY), "")
        index = len(world.services)
        world.services.append((row.id, row.provider_id, row.category, row.price_pence,
                               row.price_unit, row.title, row.poolable, first))
        for authority in served:
            world.by_authority.setdefault(authority, []).append(index)


def people(connection, world: World, holders: int, first_id: int, rng: random.Random) -> None:
    from werkzeug.security import generate_password_hash

    from marketplace import areas
    from marketplace.accounts.models import User

    password_hash = generate_password_hash(PASSWORD)
    users = [{"id": world.commissioner_id, "email": COMMISSIONER_EMAIL,
              "display_name": "Bench Commissioner", "role": "commissioner",
              "password_hash": password_hash, "created_at": world.start}]
    for number in range(holders):
        authority = _weighted(rng, AUTHORITY_WEIGHTS) if rng.random() < 0.88 else ""
        district = rng.choice(areas.LOCAL_AUTHORITIES[authority][1]) \
            if authority and rng.random() < 0.7 else ""
        holder_id = first_id + number
        world.holders.append((holder_id, authority, district))
        users.append({"id": holder_id, "email": f"holder{number}@bench.invalid",
                      "display_name": f"Holder {number}", "role": "holder",
                      "password_hash": password_hash, "home_authority": authority,
                      "home_district": district, "interests": [],
                      "created_at": world.start - timedelta(days=200)})
    copy_rows(connection, User.__table__, users)


def money_setup(connection, world: World, rng: random.Random) -> None:
    """Streams, organisations, allocations, budgets and their instalments (paid or not)."""
    from marketplace.budgets.models import (Allocation, Budget as BudgetModel, FundingStream,
                                            ManagedAccountOrganisation)

    copy_rows(connection, FundingStream.__table__, [
        {"id": sid, "name": name, "kind": kind, "description": "", "created_at": world.start}
        for sid, name, kind, _ in STREAMS])
    copy_rows(connection, ManagedAccountOrganisation.__table__, [
        {"id": number, "name": name, "kind": "ulo", "auto_approve_limit_pence": 5000,
         "auto_confirm_days": 7, "created_at": world.start}
        for number, name in enumerate(ORGANISATIONS, start=1)])
    allocations, budgets = [], []
    today = world.end.date()
    for holder_id, _, _ in world.holders:
        stream = rng.choices(STREAMS, weights=[s[3] for s in STREAMS])[0][0]
        every = _weighted(rng, INSTALMENT_WEEKS)
        route = _weighted(rng, ROUTES)
        organisation = rng.randint(1, len(ORGANISATIONS))
        yearly = rng.randrange(150_000, 600_000, 100)
        begins = world.start.date() - timedelta(days=rng.randint(0, 364))
        while begins <= today:
            allocation_id = len(allocations) + 1
            ends = begins + timedelta(days=364)
            allocations.append({"id": allocation_id, "holder_id": holder_id, "stream_id": stream,
                                "total_pence": yearly, "period_start": begins,
                                "period_end": ends, "instalment_every_weeks": every,
                                "created_by_id": world.commissioner_id,
                                "created_at": london_moment(begins) - timedelta(days=7)})
            parts = [("direct", yearly // 3), ("managed", yearly - yearly // 3)] \
                if route == "split" else [(route, yearly)]
            for budget_route, planned in parts:
                dues = []
                day = begins
                while day < ends:
                    dues.append(day)
                    day += timedelta(weeks=every)
                each = planned // len(dues)
                amounts = [each] * (len(dues) - 1) + [planned - each * (len(dues) - 1)]
                budget = Budget(len(world.budgets) + 1, holder_id, stream, budget_route,
                                organisation if budget_route == "managed" else None, planned,
                                list(zip(dues, amounts)), ends)
                world.budgets.append(budget)
                budgets.append({"id": budget.id, "allocation_id": allocation_id,
                                "holder_id": holder_id, "stream_id": stream,
                                "route": budget_route, "managed_by_id": budget.managed_by_id,
                                "planned_pence": planned,
                                "created_at": london_moment(begins) - timedelta(days=7)})
            begins = ends
    copy_rows(connection, Allocation.__table__, allocations)
    copy_rows(connection, BudgetModel.__table__, budgets)


class Ledger:
    """Transactions in the making: (moment, kind, description, order id, [(account, amount,
    budget id)]), numbered by moment once all are known."""

    def __init__(self, budgets: int):
        self.budgets = budgets
        self.events: list[tuple] = []

    @staticmethod
    def funding(stream_id: int) -> int:
        return stream_id

    def available(self, budget_id: int) -> int:
        return len(STREAMS) + 2 * budget_id - 1

    def reserved(self, budget_id: int) -> int:
        return len(STREAMS) + 2 * budget_id

    def payable(self, provider_id: int) -> int:
        return len(STREAMS) + 2 * self.budgets + provider_id

    def post(self, when, kind, description, order_id, legs) -> int:
        self.events.append((when, kind, description, order_id, legs))
        return len(self.events) - 1


def simulate(world: World, ledger: Ledger, target_lines: int, rng: random.Random) -> list:
    """Every budget's instalments and orders in time order, never reserving more than is
    available at that moment. Returns (budget, due_on, amount, event index or None) for the
    instalments."""
    today = world.end.date()
    instalments = []
    instalment_lines = 0
    for budget in world.budgets:
        for due_on, amount in budget.instalments:
            instalment_lines += 2 if due_on <= today else 0
    # A few orders find too little left in the budget and are not placed: aim a little high.
    wanted_orders = max(0, int((target_lines - instalment_lines) * 1.01) // 4)
    activity = [rng.lognormvariate(0, 0.6) * budget.planned_pence for budget in world.budgets]
    scale = wanted_orders / sum(activity)
    order_id = 0
    holder_area = {holder_id: authority for holder_id, authority, _ in world.holders}
    everywhere = [i for i in range(len(world.services))]
    for budget, weight in zip(world.budgets, activity):
        paid = [(london_moment(due_on), due_on, amount) for due_on, amount in budget.instalments
                if due_on <= today]
        if not paid:
            instalments += [(budget.id, due_on, amount, None) for due_on, amount in budget.instalments]
            continue
        count = int(weight * scale) + (rng.random() < (weight * scale) % 1)
        first = max(paid[0][0], world.start)
        span = (min(world.end, london_moment(budget.period_end, 0)) - first).total_seconds()
        if span <= 0:
            count = 0
        places = sorted(first + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
        pending: list[tuple[datetime, int]] = []  # (moment, pence back in available)
        available = 0
        index = 0
        choices = world.by_authority.get(holder_area[budget.holder_id]) or everywhere
        for moment, due_on, amount in paid:
            # Orders placed before this instalment arrives come first.
            while index < len(places) and places[index] < moment:
                order_id, available = _order(world, ledger, budget, choices, places[index],
                                             order_id, available, pending, rng)
                index += 1
            while pending and pending[0][0] <= moment:
                available += heapq.heappop(pending)[1]
            event = ledger.post(moment, "allocation",
                                f"Instalment of your budget for {due_on:%-d %B %Y}", None,
                                [(ledger.funding(budget.stream_id), -amount, None),
                                 (ledger.available(budget.id), amount, budget.id)])
            available += amount
            instalments.append((budget.id, due_on, amount, event))
        while index < len(places):
            order_id, available = _order(world, ledger, budget, choices, places[index],
                                         order_id, available, pending, rng)
            index += 1
        instalments += [(budget.id, due_on, amount, None) for due_on, amount in budget.instalments
                        if due_on > today]
    return instalments


def _order(world, ledger, budget, choices, placed, order_id, available, pending, rng):
    while pending and pending[0][0] <= placed:
        available += heapq.heappop(pending)[1]
    service = world.services[rng.choice(choices)] if rng.random() < 0.9 else \
        world.services[rng.randrange(len(world.services))]
    service_id, provider_id, category, price, unit, title, _, _ = service
    low, high = QUANTITY.get(unit, (1, 4))
    quantity = rng.randint(low, high)
    while quantity > 1 and quantity * price > available:
        quantity -= 1
    total = quantity * price
    if total > available:
        return order_id, available
    order_id += 1
    available -= total
    ledger.post(placed, "reserve", f"Set aside for order {order_id}: {title[:120]}", order_id,
                [(ledger.available(budget.id), -total, budget.id),
                 (ledger.reserved(budget.id), total, budget.id)])
    roll = rng.random()
    settled = None
    later = placed + timedelta(days=rng.uniform(0.5, 10))
    recent = later > world.end
    if recent:
        state = rng.choice(["awaiting_provider", "accepted", "delivered"]
                           + (["awaiting_approval"] if budget.route == "managed" else []))
    elif roll < 0.09:
        state = rng.choice(["cancelled", "declined"])
        ledger.post(later, "release", f"Order {order_id} cancelled: money back in the budget",
                    order_id, [(ledger.reserved(budget.id), -total, budget.id),
                               (ledger.available(budget.id), total, budget.id)])
        heapq.heappush(pending, (later, total))
    else:
        state, settled = "confirmed", later
        ledger.post(later, "settle", f"Order {order_id}: {title[:120]}", order_id,
                    [(ledger.reserved(budget.id), -total, budget.id),
                     (ledger.payable(provider_id), total, None)])
        refund_at = later + timedelta(days=rng.uniform(1, 20))
        if roll > 0.97 and refund_at < world.end:
            state = "refunded"
            ledger.post(refund_at, "refund", f"Refund of order {order_id}: {title[:120]}",
                        order_id, [(ledger.payable(provider_id), -total, None),
                                   (ledger.available(budget.id), total, budget.id)])
            heapq.heappush(pending, (refund_at, total))
    world.orders.append((order_id, budget.holder_id, budget.id, service, quantity, placed,
                         settled, state, budget.route))
    return order_id, available


def write_ledger(connection, world: World, ledger: Ledger, instalments: list) -> int:
    from marketplace.budgets.models import Instalment
    from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
    from marketplace.orders.models import Order

    accounts = [{"id": sid, "code": f"funding:{sid}", "kind": "funding", "funding_stream_id": sid,
                 "budget_id": None, "provider_id": None, "created_at": world.start}
                for sid, *_ in STREAMS]
    for budget in world.budgets:
        for kind, account in (("available", ledger.available(budget.id)),
                              ("reserved", ledger.reserved(budget.id))):
            accounts.append({"id": account, "code": f"budget:{budget.id}:{kind}",
                             "kind": f"budget_{kind}", "budget_id": budget.id,
                             "provider_id": None, "funding_stream_id": None,
                             "created_at": world.start})
    providers = sorted({service[1] for service in world.services})
    accounts += [{"id": ledger.payable(p), "code": f"provider:{p}:payable",
                  "kind": "provider_payable", "provider_id": p, "budget_id": None,
                  "funding_stream_id": None, "created_at": world.start} for p in providers]
    copy_rows(connection, LedgerAccount.__table__, accounts)
    copy_rows(connection, Order.__table__, (
        {"id": order_id, "holder_id": holder_id, "budget_id": budget_id,
         "service_id": service[0], "provider_id": service[1], "route": route,
         "quantity": quantity, "unit_price_pence": service[3], "price_unit": service[4],
         "total_pence": quantity * service[3], "service_title": service[5][:160],
         "starts_on": placed.date() + timedelta(days=2), "note_to_provider": "",
         "outcome_shared": False, "state": state, "placed_by_id": holder_id,
         "delivered_at": settled, "created_at": placed, "updated_at": settled or placed}
        for order_id, holder_id, budget_id, service, quantity, placed, settled, state, route
        in world.orders))
    order = sorted(range(len(ledger.events)), key=lambda i: ledger.events[i][0])
    transaction_of = {}
    transactions, lines = [], []
    for transaction_id, index in enumerate(order, start=1):
        when, kind, description, order_id, legs = ledger.events[index]
        transaction_of[index] = transaction_id
        transactions.append({"id": transaction_id, "kind": kind, "description": description,
                             "order_id": order_id, "created_at": when,
                             "idempotency_key": f"order-{order_id}-{kind}" if order_id else None})
        for account_id, amount, budget_id in legs:
            lines.append({"id": len(lines) + 1, "transaction_id": transaction_id,
                          "account_id": account_id, "amount_pence": amount,
                          "budget_id": budget_id, "created_at": when})
    # The guard triggers (migration 0003) would check each of a million rows; the load is
    # checked once afterwards by check_ledger instead.
    for table in ("ledger_lines", "ledger_transactions"):
        connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    copy_rows(connection, LedgerTransaction.__table__, transactions)
    copy_rows(connection, LedgerLine.__table__, lines)
    connection.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
    for table in ("ledger_lines", "ledger_transactions"):
        connection.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    copy_rows(connection, Instalment.__table__, (
        {"id": number, "budget_id": budget_id, "due_on": due_on, "amount_pence": amount,
         "transaction_id": transaction_of[event] if event is not None else None}
        for number, (budget_id, due_on, amount, event) in enumerate(instalments, start=1)))
    connection.execute(sa.text(
        "UPDATE ledger_accounts a SET balance_pence = s.total FROM (SELECT account_id, "
        "SUM(amount_pence) AS total FROM ledger_lines GROUP BY account_id) s "
        "WHERE a.id = s.account_id"))
    return len(lines)


def build(url: str, *, services: int, holders: int, lines: int, searches: int, seed: int,
          end: datetime) -> dict:
    from bench.commissioning_demand import demand
    from bench.generate_market import generate_market
    from marketplace.extensions import db
    from marketplace.ledger.checks import check_ledger

    timings = {}
    started = time.perf_counter()
    app = fresh_app(url, migrate=True)
    market = generate_market(url, services=services, seed=seed)
    timings["market_s"] = market["total_seconds"]
    rng = random.Random(seed)
    with app.app_context():
        connection = db.session.connection()
        world = World(start=end - timedelta(days=DAYS), end=end,
                      commissioner_id=market["providers"] + 1)
        load_services(connection, world)
        people(connection, world, holders, world.commissioner_id + 1, rng)
        money_setup(connection, world, rng)
        stepped = time.perf_counter()
        ledger = Ledger(len(world.budgets))
        instalments = simulate(world, ledger, lines, rng)
        written = write_ledger(connection, world, ledger, instalments)
        timings["ledger_s"] = time.perf_counter() - stepped
        stepped = time.perf_counter()
        counts = demand(connection, world, searches, rng)
        timings["demand_s"] = time.perf_counter() - stepped
        move_sequences(connection, (
            "users", "providers", "services", "funding_streams", "managed_account_organisations",
            "allocations", "budgets", "ledger_accounts", "ledger_transactions", "ledger_lines",
            "instalments", "orders", "pools", "pool_members", "reviews", "review_actions",
            "review_reports", "needs", "need_quotes", "search_log_entries"))
        commit_and_analyse()
        stepped = time.perf_counter()
        check = check_ledger()
        assert check.ok, check.summary
        timings["check_s"] = time.perf_counter() - stepped
        db.session.rollback()
    return {"services": market["services"], "providers": market["providers"],
            "holders": holders, "budgets": len(world.budgets), "orders": len(world.orders),
            "ledger_lines": written, "ledger_transactions": len(ledger.events), **counts,
            "check": check.summary, **{k: round(v, 1) for k, v in timings.items()},
            "total_s": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--holders", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--end", default=None,
                        help="the last moment of the data, ISO 8601 in UTC (default now)")
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("give a PostgreSQL --database-url or DATABASE_URL (the database is emptied!)")
    end = datetime.fromisoformat(args.end).replace(tzinfo=timezone.utc) if args.end \
        else datetime.now(timezone.utc).replace(microsecond=0)
    result = build(engine_url(args.database_url), services=args.services, holders=args.holders,
                   lines=args.lines, searches=args.searches, seed=args.seed, end=end)
    print(", ".join(f"{key} {value:,}" if isinstance(value, int) else f"{key} {value}"
                    for key, value in result.items()))


if __name__ == "__main__":
    main()
