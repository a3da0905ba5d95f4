"""The budget statement page at 1,000,000 ledger lines, through HTTP, on PostgreSQL.

    DATABASE_URL=postgresql://pathways:pathways@127.0.0.1:5432/pathways_bench \\
        .venv/bin/python -m bench.statement_page --lines 1000000 --budgets 2000 --requests 200

The target database is EMPTIED (every table dropped) and migrated, then filled with bulk COPY:
one funding stream, `--budgets` holders with one budget each (half managed, half direct), 40
providers, a year of four-weekly instalments (each linked to its allocation transaction as the
app does) and a realistic mix of movements - reserve, settle, release, refund - whose amounts
keep every guarded balance at or above zero. Budget 1 is the heavy one (`--heavy-lines` of the
lines are its transactions', default 160,000, about 120,000 on its own two accounts); the rest
are spread evenly. Transaction and line ids rise with time, as in real use. Cached balances
are then set from the lines and the ledger checks (no unbalanced transaction, no drift) run.

Measured through a loopback werkzeug server (one request at a time, logged in with the real
login form): `--requests` statement pages, a fixed mix of the heavy budget's first page, deeper
pages (cursors from following "Older movements" and cursors a quarter, half, three quarters and
nearly all the way down), pages filtered to one month long ago, and first pages of ordinary
budgets. Then budget_balances() for the heavy budget (the "My budget" figures), as it is now and
as it was (every figure from the lines), and EXPLAIN ANALYZE of a month page's key query.

Appends a "Money benchmarks" section to bench/RESULTS.md unless --no-results-file.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import threading
import time
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from bench.orders_throughput import (
    append_results,
    commit_and_analyse,
    engine_url,
    fresh_app,
    machine_description,
    percentile,
)

PASSWORD = "bench-password"
PROVIDERS = 40
HEAVY_BUDGET = 1
PRICES = (1_500, 2_500, 3_000, 4_500, 6_000)
START = datetime(2025, 11, 24, tzinfo=timezone.utc)
DAYS = 364


# ---------------------------------------------------------------- building the ledger


class Ids:
    def __init__(self):
        self.transaction = 0
        self.line = 0


def account_ids(budget_id: int) -> tuple[int, int]:
    """(available, reserved) account ids; account 1 is the funding stream's."""
    return 2 * budget_id, 2 * budget_id + 1


def payable_account(provider_number: int, budgets: int) -> int:
    return 2 * budgets + 2 + provider_number


def simulate_budget(budget_id: int, transactions: int, budgets: int, rng: random.Random):
    """A year of one budget's movements as (when, kind, description, actor, [(account, amount,
    budget_id)]) with every guarded balance kept at or above zero, and its instalments."""
    available_id, reserved_id = account_ids(budget_id)
    reserves = transactions * 0.5
    instalment_dates = [START + timedelta(days=28 * k) for k in range(DAYS // 28 + 1)]
    instalment = int(reserves * 2 * statistics.mean(PRICES) * 1.25 / len(instalment_dates)) + 100
    times = sorted(
        START + timedelta(seconds=rng.uniform(60, DAYS * 86400)) for _ in range(transactions)
    )
    available = 0
    open_orders: list[tuple[int, int]] = []  # (amount, provider)
    settled: list[tuple[int, int]] = []
    order_number = budget_id * 1_000_000
    events, instalments = [], []
    holder = budget_id + 1  # user 1 is the commissioner
    next_instalment = 0
    for when in times:
        while next_instalment < len(instalment_dates) and instalment_dates[next_instalment] <= when:
            paid_at = instalment_dates[next_instalment]
            events.append((paid_at, "allocation",
                           f"Instalment of your budget for {paid_at:%-d %B %Y}", 1,
                           [(1, -instalment, None), (available_id, instalment, budget_id)]))
            instalments.append((paid_at.date(), instalment, len(events) - 1))
            available += instalment
            next_instalment += 1
        roll = rng.random()
        if open_orders and roll < 0.36:
            amount, provider = open_orders.pop(rng.randrange(len(open_orders)))
            events.append((when, "settle", f"Order {order_number}: Peer support group", holder,
                           [(reserved_id, -amount, budget_id),
                            (payable_account(provider, budgets), amount, None)]))
            settled.append((amount, provider))
        elif open_orders and roll < 0.44:
            amount, _ = open_orders.pop(rng.randrange(len(open_orders)))
            events.append((when, "release",
                           f"Order {order_number} cancelled: money back in the budget", holder,
                           [(reserved_id, -amount, budget_id), (available_id, amount, budget_id)]))
            available += amount
        elif settled and roll < 0.47:
            amount, provider = settled.pop(rng.randrange(len(settled)))
            events.append((when, "refund", f"Refund of order {order_number}: Peer support group",
                           None, [(payable_account(provider, budgets), -amount, None),
                                  (available_id, amount, budget_id)]))
            available += amount
        else:
            amount = rng.choice(PRICES) * rng.randint(1, 3)
            if amount > available:
                amount = available
            if amount <= 0:
                continue
            order_number += 1
            provider = rng.randrange(PROVIDERS)
            events.append((when, "reserve",
                           f"Set aside for order {order_number}: Peer support group", holder,
                           [(available_id, -amount, budget_id), (reserved_id, amount, budget_id)]))
            available -= amount
            open_orders.append((amount, provider))
    unpaid = [(d.date(), instalment) for d in instalment_dates[next_instalment:]]
    return events, instalments, unpaid


def build(url: str, lines: int, budgets: int, heavy_lines: int, seed: int) -> dict:
    from werkzeug.security import generate_password_hash

    from marketplace.budgets.models import (
        Allocation,
        Budget,
        FundingStream,
        ManagedAccountOrganisation,
    )
    from marketplace.extensions import db
    from marketplace.ledger.checks import check_ledger
    from marketplace.ledger.models import LedgerAccount
    from marketplace.accounts.models import User
    from marketplace.providers.models import Provider

    started = time.perf_counter()
    app = fresh_app(url, migrate=True)
    rng = random.Random(seed)
    password_hash = generate_password_hash(PASSWORD)
    with app.app_context():
        connection = db.session.connection()
        users = [{"id": 1, "email": "commissioner@bench.invalid", "display_name": "Commissioner",
                  "role": "commissioner", "password_hash": password_hash}]
        users += [{"id": b + 1, "email": f"holder{b}@bench.invalid", "display_name": f"Holder {b}",
                   "role": "holder", "password_hash": password_hash} for b in range(1, budgets + 1)]
        owners = [{"id": budgets + 2 + p, "email": f"provider{p}@bench.invalid",
                   "display_name": f"Provider {p}", "role": "provider",
                   "password_hash": password_hash} for p in range(PROVIDERS)]
        connection.execute(sa.insert(User.__table__), users + owners)
        connection.execute(sa.insert(Provider.__table__), [
            {"id": p + 1, "owner_id": owner["id"], "name": f"Bench Provider {p}",
             "provider_type": "micro-enterprise", "description": "Bench provider.",
             "staff_count": 2, "local_authority": "salford", "contact_email": owner["email"]}
            for p, owner in enumerate(owners)])
        connection.execute(sa.insert(FundingStream.__table__), [
            {"id": 1, "name": "Adult social care", "kind": "social_care", "description": ""}])
        connection.execute(sa.insert(ManagedAccountOrganisation.__table__), [
            {"id": 1, "name": "Bench Holding Organisation"}])
        connection.execute(sa.insert(Allocation.__table__), [
            {"id": b, "holder_id": b + 1, "stream_id": 1, "total_pence": 1,
             "period_start": START.date(), "period_end": START.date() + timedelta(days=DAYS),
             "instalment_every_weeks": 4, "created_by_id": 1, "created_at": START}
            for b in range(1, budgets + 1)])
        connection.execute(sa.insert(Budget.__table__), [
            {"id": b, "allocation_id": b, "holder_id": b + 1, "stream_id": 1,
             "route": "managed" if b % 2 else "direct", "managed_by_id": 1 if b % 2 else None,
             "planned_pence": 1, "created_at": START} for b in range(1, budgets + 1)])
        accounts = [{"id": 1, "code": "funding:1", "kind": "funding", "funding_stream_id": 1,
                     "balance_pence": 0}]
        for b in range(1, budgets + 1):
            available_id, reserved_id = account_ids(b)
            accounts.append({"id": available_id, "code": f"budget:{b}:available",
                             "kind": "budget_available", "budget_id": b, "balance_pence": 0})
            accounts.append({"id": reserved_id, "code": f"budget:{b}:reserved",
                             "kind": "budget_reserved", "budget_id": b, "balance_pence": 0})
        for p in range(PROVIDERS):
            accounts.append({"id": payable_account(p, budgets), "code": f"provider:{p + 1}:payable",
                             "kind": "provider_payable", "provider_id": p + 1, "balance_pence": 0})
        owners_of = {"budget_id": None, "provider_id": None, "funding_stream_id": None}
        connection.execute(sa.insert(LedgerAccount.__table__),
                           [{**owners_of, **account} for account in accounts])

        # Two lines per transaction: the heavy budget gets heavy_lines / 2 transactions.
        events, instalment_rows = [], []
        per_budget = max(1, (lines - heavy_lines) // 2 // max(1, budgets - 1))
        for b in range(1, budgets + 1):
            wanted = heavy_lines // 2 if b == HEAVY_BUDGET else per_budget
            budget_events, paid, unpaid = simulate_budget(b, wanted, budgets, rng)
            offset = len(events)
            events.extend(budget_events)
            instalment_rows += [(b, due, amount, offset + index) for due, amount, index in paid]
            instalment_rows += [(b, due, amount, None) for due, amount in unpaid]
        order = sorted(range(len(events)), key=lambda index: events[index][0])
        transaction_id_of = {}
        transactions, line_rows = io.StringIO(), io.StringIO()
        line_id = 0
        for transaction_id, index in enumerate(order, start=1):
            when, kind, description, actor, legs = events[index]
            transaction_id_of[index] = transaction_id
            transactions.write(f"{transaction_id}\t{kind}\t{description}\t"
                               f"{actor if actor else chr(92) + 'N'}\t{when.isoformat(sep=' ')}\n")
            for account_id, amount, budget_id in legs:
                line_id += 1
                budget_text = budget_id if budget_id else "\\N"
                line_rows.write(
                    f"{line_id}\t{transaction_id}\t{account_id}\t{amount}\t{budget_text}\t"
                    f"{when.isoformat(sep=' ')}\n"
                )
        raw = connection.connection.driver_connection
        # The ledger's guard triggers (migration 0003) would check each of a million rows at
        # commit; the load is checked once below by check_ledger instead.
        for table in ("ledger_lines", "ledger_transactions"):
            connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        with raw.cursor() as cursor:
            with cursor.copy("COPY ledger_transactions (id, kind, description, actor_id, "
                             "created_at) FROM STDIN") as copy:
                copy.write(transactions.getvalue())
            with cursor.copy("COPY ledger_lines (id, transaction_id, account_id, amount_pence, "
                             "budget_id, created_at) FROM STDIN") as copy:
                copy.write(line_rows.getvalue())
        # The deferred foreign keys' checks must run before the triggers can be switched back.
        connection.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
        for table in ("ledger_lines", "ledger_transactions"):
            connection.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        connection.execute(sa.text(
            "INSERT INTO instalments (budget_id, due_on, amount_pence, transaction_id) "
            "VALUES (:budget_id, :due_on, :amount, :transaction_id)"), [
            {"budget_id": b, "due_on": due, "amount": amount,
             "transaction_id": transaction_id_of[index] if index is not None else None}
            for b, due, amount, index in instalment_rows])
        connection.execute(sa.text(
            "UPDATE ledger_accounts a SET balance_pence = s.total FROM (SELECT account_id, "
            "SUM(amount_pence) AS total FROM ledger_lines GROUP BY account_id) s "
            "WHERE a.id = s.account_id"))
        for table in ("users", "providers", "funding_streams", "managed_account_organisations",
                      "allocations", "budgets", "ledger_accounts", "ledger_transactions",
                      "ledger_lines", "instalments"):
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"))
        commit_and_analyse()
        checks_started = time.perf_counter()
        check = check_ledger()
        assert check.ok, check.summary
        print(f"check-ledger: {check.summary}")
        negative = db.session.scalar(sa.text(
            "SELECT count(*) FROM ledger_accounts WHERE kind <> 'funding' "
            "AND kind <> 'payouts_paid' AND balance_pence < 0"))
        assert negative == 0, f"{negative} guarded balances below zero"
        checks_seconds = time.perf_counter() - checks_started
        counts = count_rows()
        db.session.rollback()
    counts["build_s"] = time.perf_counter() - started
    counts["checks_s"] = checks_seconds
    return counts


def count_rows() -> dict:
    from marketplace.extensions import db

    return {
        "lines": db.session.scalar(sa.text("SELECT count(*) FROM ledger_lines")),
        "transactions": db.session.scalar(sa.text("SELECT count(*) FROM ledger_transactions")),
        "heavy_budget_lines": db.session.scalar(sa.text(
            f"SELECT count(*) FROM ledger_lines WHERE budget_id = {HEAVY_BUDGET}")),
        "ordinary_budget_lines": db.session.scalar(sa.text(
            "SELECT count(*) FROM ledger_lines WHERE budget_id = 2")),
    }


# ---------------------------------------------------------------- measuring


class Browser:
    """A logged-in person on the loopback server (real login form, CSRF token and cookie)."""

    def __init__(self, base: str, email: str):
        import requests

        self.base = base
        self.session = requests.Session()
        page = self.session.get(f"{base}/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = self.session.post(f"{base}/login", data={
            "email": email, "password": PASSWORD, "csrf_token": token}, allow_redirects=False)
        assert response.status_code in (302, 303), f"login failed for {email}"

    def get(self, path: str) -> tuple[float, str]:
        started = time.perf_counter()
        response = self.session.get(self.base + path)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, f"{path}: {response.status_code}"
        return elapsed, response.text


def older_link(html: str) -> str | None:
    match = re.search(r'href="([^"]*before=\d+[^"]*)">Older movements', html)
    return match.group(1).replace("&amp;", "&") if match else None


def measure_pages(
    url: str, requests_wanted: int, seed: int, budgets: int
) -> dict[str, list[float]]:
    from werkzeug.serving import make_server

    from marketplace.extensions import db

    app = fresh_app(url, migrate=False, RATELIMIT_ENABLED=False)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    rng = random.Random(seed)
    try:
        heavy = Browser(base, "holder1@bench.invalid")
        first = f"/budget/{HEAVY_BUDGET}/statement"
        for _ in range(3):
            heavy.get(first)  # warm the connection pool and the template cache
        # Cursors by following "Older movements" from the top.
        walked, path = [], first
        for _ in range(20):
            _, html = heavy.get(path)
            path = older_link(html)
            if path is None:
                break
            walked.append(path)
        with app.app_context():
            low, high = db.session.execute(sa.text(
                f"SELECT min(id), max(id) FROM ledger_lines WHERE budget_id = {HEAVY_BUDGET}"
            )).one()
        deep = [f"{first}?before={int(low + (high - low) * share)}"
                for share in (0.75, 0.5, 0.25, 0.01)]
        months = [(date(2026, month, 1), date(2026, month, 28)) for month in (1, 3, 5, 7)]
        filtered = [f"{first}?start={s.isoformat()}&end={e.isoformat()}" for s, e in months]
        ordinary = sorted({2, 3, budgets // 4 + 1, budgets // 2 + 1, budgets})
        others = [Browser(base, f"holder{b}@bench.invalid") for b in ordinary]

        plan = (["first"] * 6 + ["walked"] * 5 + ["deep"] * 4 + ["month"] * 3 + ["ordinary"] * 2)
        kinds = [plan[index % len(plan)] for index in range(requests_wanted)]
        rng.shuffle(kinds)
        timings: dict[str, list[float]] = {kind: [] for kind in plan}
        for kind in kinds:
            if kind == "first":
                elapsed, _ = heavy.get(first)
            elif kind == "walked":
                elapsed, _ = heavy.get(rng.choice(walked))
            elif kind == "deep":
                elapsed, _ = heavy.get(rng.choice(deep))
            elif kind == "month":
                elapsed, _ = heavy.get(rng.choice(filtered))
            else:
                pick = rng.randrange(len(others))
                elapsed, _ = others[pick].get(f"/budget/{ordinary[pick]}/statement")
            timings[kind].append(elapsed)
    finally:
        server.shutdown()
    return timings


def lines_budget_balances(budget_id: int):
    """budget_balances as it was before issue 6: every figure summed from the budget's lines,
    joined to their transactions for the kind (O(lines)). Kept to compare."""
    import sqlalchemy.orm as so

    from marketplace.extensions import db
    from marketplace.ledger import services as ledger
    from marketplace.ledger.models import LedgerLine, LedgerTransaction

    available = ledger.budget_available_account(budget_id)
    reserved = ledger.budget_reserved_account(budget_id)
    original = so.aliased(LedgerTransaction)
    kind = sa.func.coalesce(original.kind, LedgerTransaction.kind)
    rows = db.session.execute(
        sa.select(kind, LedgerLine.account_id, sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .outerjoin(original, original.id == LedgerTransaction.reverses_id)
        .where(LedgerLine.account_id.in_([available.id, reserved.id]))
        .group_by(kind, LedgerLine.account_id)
    ).all()
    allocated = spent = 0
    for row_kind, account_id, total in rows:
        total = int(total or 0)
        if row_kind == "allocation" and account_id == available.id:
            allocated += total
        elif row_kind == "settle" and account_id == reserved.id:
            spent -= total
        elif row_kind == "refund" and account_id == available.id:
            spent -= total
    return ledger.BudgetBalances(allocated, spent, ledger.account_balance(reserved),
                                 ledger.account_balance(available))


def measure_balances(url: str, repeats: int = 20) -> dict[str, list[float]]:
    from marketplace.extensions import db
    from marketplace.ledger import services as ledger

    app = fresh_app(url, migrate=False)
    timings = {"budget_balances (before: from the lines)": [],
               "budget_balances (now: O(instalments))": [],
               "budget_balances, ordinary budget": []}
    with app.app_context():
        expected = lines_budget_balances(HEAVY_BUDGET)
        assert ledger.budget_balances(HEAVY_BUDGET) == expected, "the two ways disagree"
        assert ledger.budget_balances(2) == lines_budget_balances(2)
        for _ in range(repeats):
            calls = (
                ("budget_balances (before: from the lines)",
                 lambda: lines_budget_balances(HEAVY_BUDGET)),
                ("budget_balances (now: O(instalments))",
                 lambda: ledger.budget_balances(HEAVY_BUDGET)),
                ("budget_balances, ordinary budget", lambda: ledger.budget_balances(2)),
            )
            for label, call in calls:
                started = time.perf_counter()
                call()
                timings[label].append((time.perf_counter() - started) * 1000)
                db.session.rollback()
    return timings


def explain(url: str) -> str:
    """EXPLAIN ANALYZE of the statement's page query for a month long ago (January)."""
    from marketplace.extensions import db

    app = fresh_app(url, migrate=False)
    with app.app_context():
        plan = db.session.execute(sa.text(
            "EXPLAIN (ANALYZE, BUFFERS) WITH period_lines AS MATERIALIZED (SELECT id, "
            f"transaction_id FROM ledger_lines WHERE budget_id = {HEAVY_BUDGET} "
            "AND created_at >= '2026-01-01 00:00+00' AND created_at < '2026-01-29 00:00+00') "
            "SELECT id, transaction_id FROM period_lines ORDER BY id DESC LIMIT 102"
        )).scalars().all()
        db.session.rollback()
    return "\n".join(plan)


def summary(timings: dict[str, list[float]]) -> list[tuple[str, int, float, float, float]]:
    rows = []
    everything = []
    for kind, values in timings.items():
        if not values:
            continue
        values = sorted(values)
        everything += values
        rows.append((kind, len(values), statistics.median(values), percentile(values, 95),
                     values[-1]))
    everything.sort()
    rows.append(("all", len(everything), statistics.median(everything),
                 percentile(everything, 95), everything[-1]))
    return rows


def table(rows, first_column: str) -> str:
    lines = [f"| {first_column} | n | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {kind} | {n} | {p50:.1f} | {p95:.1f} | {top:.1f} |"
              for kind, n, p50, p95, top in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--budgets", type=int, default=2000)
    parser.add_argument("--heavy-lines", type=int, default=160_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("give a PostgreSQL --database-url or DATABASE_URL (the database is emptied!)")
    url = engine_url(args.database_url)
    load_before = os.getloadavg()
    if args.reuse:
        with fresh_app(url, migrate=False).app_context():
            counts = count_rows()
    else:
        counts = build(url, args.lines, args.budgets, args.heavy_lines, args.seed)
    if "build_s" in counts:
        print(f"built {counts['lines']:,} lines in {counts['transactions']:,} transactions "
              f"(heavy budget {counts['heavy_budget_lines']:,} lines, an ordinary one "
              f"{counts['ordinary_budget_lines']:,}) in {counts['build_s']:.0f} s; ledger checks "
              f"{counts['checks_s']:.1f} s")
    load_measure = os.getloadavg()
    pages = summary(measure_pages(url, args.requests, args.seed, args.budgets))
    balances = summary(measure_balances(url))[:-1]
    plan = explain(url)
    load_after = os.getloadavg()
    pages_table = table(pages, "statement page (HTTP)")
    balances_table = table(balances, "heavy budget figures (service call)")
    print(pages_table, balances_table, plan, sep="\n\n")
    print(f"load average: before build {load_before[0]:.2f}, before measuring "
          f"{load_measure[0]:.2f}, after {load_after[0]:.2f}")
    if not args.no_results_file:
        built = (f"{counts['lines']:,} ledger lines in {counts['transactions']:,} transactions, "
                 f"{args.budgets:,} budgets; the heavy budget has {counts['heavy_budget_lines']:,} "
                 f"lines on its accounts, an ordinary one {counts['ordinary_budget_lines']:,}. "
                 + (f"Built by COPY in {counts['build_s']:.0f} s." if "build_s" in counts
                    else "Data built by an earlier run."))
        append_results(
            "budget statement page at 1,000,000 ledger lines (PostgreSQL, HTTP)",
            f"{machine_description()} {built} Load average (1 min): before measuring "
            f"{load_measure[0]:.2f}, after {load_after[0]:.2f}.\n\n{pages_table}\n\n"
            f"{balances_table}\n",
        )


if __name__ == "__main__":
    main()
