"""Managed-account orders placed by many concurrent clients, through the order service.

    DATABASE_URL=postgresql://pathways:pathways@127.0.0.1:5432/pathways_bench \\
        .venv/bin/python -m bench.orders_throughput --clients 16 --orders 2000 --budgets 200

The target database is EMPTIED (every table dropped) and migrated. Setup: one funding stream,
one managed-account organisation (auto-approve limit set so about half the orders are approved
automatically), `--budgets` holders each with one funded managed budget, 20 providers with one
service each. Each budget holds enough for 80% of the orders aimed at it, so about a fifth are
refused with "not enough left in this budget" - that exercises the guard under contention. The
orders are dealt round-robin over the budgets, so concurrent clients keep hitting the same
budgets' rows at the same moment.

Each client is a separate process (`--mode processes`, the default: no shared GIL) or thread
(`--mode threads`) with its own app, engine and session. Clients wait at a barrier, then each
places its share one at a time: place_order + commit, timed per order (wall clock). After the
run the ledger invariants are checked: every transaction sums to zero, no cached balance drift,
no guarded balance below zero, and for each budget allocated = spent + committed + available
with committed equal to the totals of its orders.

Prints orders/second, p50/p95/max latency, successes and refusals; appends a section to
bench/RESULTS.md under "Money benchmarks" unless --no-results-file.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
from datetime import timedelta

import platform
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

PRICE_PENCE = 2_500
SERVICES = 20
RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"


# ---------------------------------------------------------------- shared with statement_page


def engine_url(database_url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix):]
    return database_url


def fresh_app(url: str, *, migrate: bool, **overrides):
    """An app on `url`; with migrate=True every table there is dropped and the real
    migrations are run (the benchmark database is scratch)."""
    from marketplace import create_app
    from marketplace.config import Config
    from marketplace.extensions import db

    engine_options = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5,
                      **overrides.pop("SQLALCHEMY_ENGINE_OPTIONS", {})}
    app = create_app(
        Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-not-secret",
        SEARCH_INDEX_DIR=tempfile.mkdtemp(prefix="bench-index-"), MAIL_BACKEND="capture",
        SQLALCHEMY_ENGINE_OPTIONS=engine_options, **overrides,
    )
    if migrate:
        from flask_migrate import upgrade

        with app.app_context():
            with db.engine.begin() as connection:
                metadata = sa.MetaData()
                metadata.reflect(bind=connection)
                metadata.drop_all(bind=connection)
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            upgrade()
            db.engine.dispose()
    return app


def commit_and_analyse() -> None:
    """Commit the bulk load, then VACUUM ANALYZE: the planner's statistics then describe the
    generated rows, as they would a database that grew to this size."""
    from marketplace.extensions import db

    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
        autocommit.execute(sa.text("VACUUM ANALYZE"))


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def machine_description() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{when}; {os.cpu_count()} CPUs ({model}), {memory_gb:.1f} GB memory, "
            f"Python {platform.python_version()}.")


def append_section(heading: str, body: str) -> None:
    """Append one section to bench/RESULTS.md. Other benchmarks write to the same file, so it
    is opened for appending only, at the moment of writing, and nothing in it is rewritten."""
    with RESULTS_FILE.open("a") as results:
        results.write(f"\n## {heading}\n\n{body}")


def append_results(title: str, body: str) -> None:
    """Append one "Money benchmarks" section."""
    append_section(f"Money benchmarks: {title}", body)


# ---------------------------------------------------------------- the benchmark


def set_up(app, budgets: int, orders_per_budget: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Holders, budgets, providers and services. Returns [(holder_id, budget_id)], service ids."""
    from werkzeug.security import generate_password_hash

    from marketplace.accounts.models import User
    from marketplace.budgets import services as budget_services
    from marketplace.extensions import db
    from marketplace.providers.models import Provider, Service
    from marketplace.times import london_today

    password_hash = generate_password_hash("bench-password")
    with app.app_context():
        commissioner = User(email="commissioner@bench.invalid", display_name="Commissioner",
                            role="commissioner", password_hash=password_hash)
        db.session.add(commissioner)
        stream = budget_services.create_funding_stream(name="Adult social care", kind="social_care")
        organisation = budget_services.create_managed_account_organisation(
            name="Bench Holding Organisation", auto_approve_limit_pence=PRICE_PENCE * 2,
        )
        manager = User(email="manager@bench.invalid", display_name="Account manager",
                       role="account_manager", password_hash=password_hash)
        db.session.add(manager)
        db.session.flush()
        from marketplace.budgets.models import OrganisationMember

        db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=manager.id))
        service_ids = []
        for number in range(SERVICES):
            owner = User(email=f"provider{number}@bench.invalid", display_name=f"Provider {number}",
                         role="provider", password_hash=password_hash)
            provider = Provider(owner=owner, name=f"Bench Provider {number}",
                                provider_type="micro-enterprise", description="Bench provider.",
                                staff_count=2, local_authority="salford",
                                contact_email=owner.email)
            service = Service(provider=provider, title=f"Bench service {number}",
                              description="A service used by the orders benchmark.",
                              category="peer-support", delivery_modes=["in-person"],
                              local_authorities=["salford"], postcode_districts=[],
                              languages=["en"], specialisms=[], tags=[],
                              secondary_categories=[], price_pence=PRICE_PENCE,
                              price_unit="session")
            db.session.add_all([owner, provider, service])
            db.session.flush()
            service_ids.append(service.id)
        today = london_today()
        # Quantity 1-3 (mean 2): 80% of the expected spend per budget.
        amount = int(orders_per_budget * 2 * PRICE_PENCE * 0.8)
        pairs = []
        for number in range(budgets):
            holder = User(email=f"holder{number}@bench.invalid", display_name=f"Holder {number}",
                          role="holder", password_hash=password_hash)
            db.session.add(holder)
            db.session.flush()
            allocation = budget_services.allocate_budget(
                holder=holder, stream=stream, total_pence=amount, period_start=today,
                period_end=today + timedelta(days=7), instalment_every_weeks=4, route="managed",
                managed_by=organisation, allocated_by=commissioner, today=today,
            )
            pairs.append((holder.id, allocation.budgets[0].id))
        db.session.commit()
        return pairs, service_ids


def plan_orders(pairs, service_ids, orders: int) -> list[tuple[int, int, int, int]]:
    """(holder_id, budget_id, service_id, quantity), round-robin over the budgets."""
    plan = []
    for number in range(orders):
        holder_id, budget_id = pairs[number % len(pairs)]
        plan.append((holder_id, budget_id, service_ids[number % len(service_ids)], 1 + number % 3))
    return plan


def client(url: str, work, barrier, results) -> None:
    """Place each order of `work` in turn; put [(seconds, outcome)] on `results`."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.ledger.services import InsufficientFunds
    from marketplace.orders import services as orders
    from marketplace.orders.services import OrderRequest

    app = fresh_app(url, migrate=False)
    timings = []
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # connect before the clock starts
        db.session.rollback()
        barrier.wait()
        for holder_id, budget_id, service_id, quantity in work:
            started = time.perf_counter()
            try:
                actor = db.session.get(User, holder_id)
                orders.place_order(actor, holder_id, OrderRequest(budget_id, service_id, quantity))
                db.session.commit()
                outcome = "placed"
            except InsufficientFunds:
                db.session.rollback()
                outcome = "refused"
            except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
                db.session.rollback()
                outcome = f"error: {type(error).__name__}: {error}"[:200]
            timings.append((time.perf_counter() - started, outcome))
            db.session.remove()
        db.engine.dispose()
    results.put(timings)


def run(url: str, clients: int, orders: int, budgets: int, mode: str) -> dict:
    app = fresh_app(url, migrate=True)
    setup_started = time.perf_counter()
    pairs, service_ids = set_up(app, budgets, max(1, orders // budgets))
    setup_seconds = time.perf_counter() - setup_started
    plan = plan_orders(pairs, service_ids, orders)
    shares = [plan[index::clients] for index in range(clients)]

    if mode == "processes":
        context = multiprocessing.get_context("spawn")
        barrier, results = context.Barrier(clients + 1), context.Queue()
        workers = [context.Process(target=client, args=(url, share, barrier, results))
                   for share in shares]
    else:
        import queue

        barrier, results = threading.Barrier(clients + 1), queue.Queue()
        workers = [threading.Thread(target=client, args=(url, share, barrier, results))
                   for share in shares]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    timings = []
    for _ in workers:
        timings.extend(results.get(timeout=900))
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=60)

    latencies = sorted(seconds * 1000 for seconds, _ in timings)
    outcomes = [outcome for _, outcome in timings]
    errors = sorted({o for o in outcomes if o.startswith("error")})
    invariants = check_invariants(app, [budget_id for _, budget_id in pairs])
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "mode": mode, "clients": clients, "orders": orders, "budgets": budgets,
        "setup_s": setup_seconds, "elapsed_s": elapsed,
        "per_second": len(timings) / elapsed,
        "placed": outcomes.count("placed"), "refused": outcomes.count("refused"),
        "errors": errors,
        "p50": statistics.median(latencies), "p95": percentile(latencies, 95),
        "max": latencies[-1], "invariants": invariants,
    }


def check_invariants(app, budget_ids: list[int]) -> list[str]:
    """Every problem found (an empty list when the ledger is right)."""
    from marketplace.extensions import db
    from marketplace.ledger import services as ledger
    from marketplace.ledger.models import GUARDED_KINDS, LedgerAccount
    from marketplace.orders.models import Order

    problems = []
    with app.app_context():
        if ledger.unbalanced_transactions():
            problems.append("unbalanced transactions")
        if ledger.drifted_accounts():
            problems.append(f"drifted accounts: {ledger.drifted_accounts()[:5]}")
        negative = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerAccount).where(
            LedgerAccount.kind.in_(GUARDED_KINDS), LedgerAccount.balance_pence < 0))
        if negative:
            problems.append(f"{negative} guarded balances below zero")
        held = dict(db.session.execute(
            sa.select(Order.budget_id, sa.func.sum(Order.total_pence)).group_by(Order.budget_id)
        ).all())
        for budget_id in budget_ids:
            balances = ledger.budget_balances(budget_id)
            if balances.allocated_pence != (balances.spent_pence + balances.committed_pence
                                            + balances.available_pence):
                problems.append(f"budget {budget_id}: allocated != spent + committed + available")
            if balances.committed_pence != int(held.get(budget_id) or 0):
                problems.append(f"budget {budget_id}: committed differs from its orders")
        db.session.rollback()
    return problems


def report(result: dict) -> str:
    status = "all hold" if not result["invariants"] else "; ".join(result["invariants"][:5])
    errors = "none" if not result["errors"] else "; ".join(result["errors"][:3])
    return (
        f"| {result['database']} | {result['mode']} | {result['clients']} | {result['orders']} "
        f"| {result['budgets']} | {result['per_second']:.0f} | {result['p50']:.1f} "
        f"| {result['p95']:.1f} | {result['max']:.1f} | {result['placed']} | {result['refused']} "
        f"| {errors} | {status} |"
    )


HEADER = (
    "| database | clients as | clients | orders | budgets | orders/s | p50 ms | p95 ms | max ms "
    "| placed | refused (not enough money) | errors | ledger invariants after the run |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--budgets", type=int, default=200)
    parser.add_argument("--mode", choices=["processes", "threads"], default="processes")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (the database is emptied!)")
    load_before = os.getloadavg()
    result = run(engine_url(args.database_url), args.clients, args.orders, args.budgets, args.mode)
    load_after = os.getloadavg()
    row = report(result)
    print(HEADER)
    print(row)
    print(f"setup {result['setup_s']:.1f} s; run {result['elapsed_s']:.1f} s; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    if not args.no_results_file:
        append_results(
            f"orders placed by {args.clients} concurrent clients ({result['database']}, "
            f"{args.mode})",
            f"{machine_description()} Load average (1 min) before {load_before[0]:.2f}, "
            f"after {load_after[0]:.2f}. Run {result['elapsed_s']:.1f} s, setup "
            f"{result['setup_s']:.1f} s.\n\n{HEADER}\n{row}\n",
        )


if __name__ == "__main__":
    main()
