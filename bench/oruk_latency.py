"""Open Referral UK feed latency (issue 11): pages of 50 full services from
/openreferral/services at 100,000 services, on PostgreSQL; target p95 < 200 ms.

    DATABASE_URL=postgresql://pathways:pathways@localhost/pathways_oruk_bench \\
        .venv/bin/python -m bench.oruk_latency [--services 100000] [--reviews 100000] \\
        [--requests 300] [--reuse] [--no-results-file]

Set-up (skipped with --reuse when the database already holds the market): the market from
bench/generate_market.py (schema by create_all, same seed, same rows) and its reviews from
bench/generate_reviews.py, so the helped share and rating fields are filled; then 1% of the
services are marked changed an hour ago, 0.5% paused, and 500 deleted services noted (ids past
the last, as the feed's notes of deleted rows), for the harvest measure.

Measures, each over HTTP on a loopback werkzeug server (one thread, in this process) after 20
warm-up requests, `--requests` requests each, reading the whole body:
- full pages: `?full=true&per_page=50`, cycling through the first, a middle and the last page
  and pages drawn at random (fixed seed);
- the same with one filter each: postcode, a category term, search words (a common pair and
  a rarer word), day and start time, and a harvest (`modified_after` an hour and a half ago).
CPU columns are this process's CPU time per request (server and client together): the machine
is shared, so wall-clock times include waiting for a CPU. Figures are printed and appended to
bench/RESULTS.md with the machine, date, load average and command.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from bench.search_latency import (DATA_DIR, RESULTS, Server, load, machine, make_app_for,
                                  summary)

PER_PAGE = 50
WARM_UP = 20
TARGET_MS = 200
#: The feed needs no search index; the app is given an empty folder of its own.
INDEX_DIR = DATA_DIR / "oruk-index"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres")):
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database, e.g. "
                         "postgresql://pathways:pathways@localhost/pathways_oruk_bench")
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def prepare(url: str, services: int, reviews: int, reuse: bool) -> dict:
    import sqlalchemy as sa

    from bench.generate_market import generate_market
    from bench.generate_reviews import generate_reviews

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        has_market = sa.inspect(connection).has_table("providers") and connection.scalar(
            sa.text("SELECT count(*) FROM services")) >= services
    engine.dispose()
    setup: dict = {"reused": bool(reuse and has_market)}
    if setup["reused"]:
        return setup
    started, cpu = time.perf_counter(), time.process_time()
    print(f"generating {services:,} services ...", flush=True)
    setup["market"] = generate_market(url, services=services)
    app = make_app_for(url, INDEX_DIR)
    print(f"adding {reviews:,} reviews ...", flush=True)
    setup["reviews"] = generate_reviews(app, reviews)
    _changes(url)
    setup["setup_s"] = time.perf_counter() - started
    setup["setup_cpu_s"] = time.process_time() - cpu
    return setup


def _changes(url: str) -> None:
    """1% changed an hour ago, 0.5% paused, 500 deleted services noted."""
    import sqlalchemy as sa

    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE services SET updated_at = :when WHERE id % 100 = 7"),
                           {"when": hour_ago})
        connection.execute(sa.text(
            "UPDATE services SET status = 'paused', updated_at = :when WHERE id % 200 = 11"),
            {"when": hour_ago})
        last = connection.scalar(sa.text("SELECT max(id) FROM services"))
        connection.execute(sa.text(
            "INSERT INTO deleted_services (service_id, deleted_at) VALUES (:id, :when)"),
            [{"id": last + number, "when": hour_ago} for number in range(1, 501)])
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def _facts(app) -> dict:
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.openreferral.taxonomies import term

    with app.app_context():
        facts = {
            "live": db.session.scalar(sa.text(
                "SELECT count(*) FROM services WHERE status = 'active'")),
            "published_reviews": db.session.scalar(sa.text(
                "SELECT count(*) FROM reviews WHERE state = 'published'")),
            "category_term": term("categories", "peer-support").id,
        }
        db.session.remove()
    return facts


def _requests(facts: dict, count: int, extra: dict) -> list[dict]:
    """count page requests: first, middle, last and random pages in turn."""
    last = -(-facts["live"] // PER_PAGE)
    rng = random.Random(11)
    fixed = [1, (last + 1) // 2, last]
    pages = [fixed[number % 4] if number % 4 < 3 else rng.randint(1, last)
             for number in range(count)]
    return [{"full": "true", "per_page": str(PER_PAGE), "page": str(page), **extra}
            for page in pages]


def _timed(session, url: str, args: dict) -> tuple[tuple[float, float], dict]:
    started, cpu = time.perf_counter(), time.process_time()
    response = session.get(url, params=args, timeout=120)
    body = response.json()
    elapsed = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {args} -> {response.status_code}: {body}")
    return elapsed, body


def run(app, facts: dict, count: int) -> list[tuple[str, dict, str, dict]]:
    import requests

    harvest_from = (datetime.now(timezone.utc) - timedelta(minutes=90)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    measures = [
        ("full pages (first, middle, last, random)", {}),
        ("postcode=M14", {"postcode": "M14"}),
        ("taxonomy_term_id=peer support", {"taxonomy_term_id": facts["category_term"]}),
        ("search=peer support", {"search": "peer support"}),
        ("search=overnight", {"search": "overnight"}),
        ("day=SA&start_time=10:00",
         {"day": "SA", "start_time": "10:00"}),
        ("modified_after 90 minutes ago (harvest)", {"modified_after": harvest_from}),
    ]
    results = []
    with Server(app) as server, requests.Session() as session:
        url = f"http://127.0.0.1:{server.server.server_port}/openreferral/services"
        for label, extra in measures:
            if label.startswith("full"):
                asked = _requests(facts, count, extra)
            else:
                first = _timed(session, url, {"full": "true", "per_page": "50", **extra})[1]
                asked = [{"full": "true", "per_page": "50", **extra,
                          "page": str(1 + number % max(1, first["total_pages"]))}
                         for number in range(count // 3)]
            for args in asked[:WARM_UP]:
                _timed(session, url, args)
            started_load = load()
            timings, sizes = [], set()
            for args in asked:
                elapsed, body = _timed(session, url, args)
                timings.append(elapsed)
                sizes.add(body["total_items"])
            results.append((label, summary(timings), f"{started_load} to {load()}",
                            {"total_items": max(sizes)}))
            print(label, results[-1][1], flush=True)
    return results


def report(services: int, setup: dict, facts: dict, results, wall_s: float, cpu_s: float,
           command: str) -> str:
    facts_machine = machine()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Open Referral feed run of {when}: {services:,} services (PostgreSQL)",
        "",
        f"Command: `{command}`. Machine: {facts_machine['nproc']} CPUs "
        f"({facts_machine['cpu']}), {facts_machine['memory_gb']} GB, Python "
        f"{facts_machine['python']}, PostgreSQL on the same machine, shared with other "
        f"helpers' test runs. Whole run: {wall_s:.0f} s wall, {cpu_s:.0f} s CPU of this "
        f"process. {facts['live']:,} live services, {facts['published_reviews']:,} published "
        "reviews. "
        + ("Market reused." if setup.get("reused") else
           f"Set-up {setup['setup_s']:.0f} s wall, {setup['setup_cpu_s']:.0f} s CPU."),
        "",
        "| GET /openreferral/services?full=true&per_page=50 ... | requests | matching | p50 ms "
        "| p95 ms | max ms | CPU p50 / p95 ms | load average | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for label, stats, loads, seen in results:
        target = (f"p95 < {TARGET_MS} ms: {'met' if stats['p95'] < TARGET_MS else 'not met'}"
                  if label.startswith("full") else "")
        lines.append(f"| {label} | {stats['n']} | {seen['total_items']:,} | {stats['p50']:.1f} "
                     f"| {stats['p95']:.1f} | {stats['max']:.0f} | {stats['cpu_p50']:.1f} / "
                     f"{stats['cpu_p95']:.1f} | {loads} | {target} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args(argv)
    started, cpu = time.perf_counter(), time.process_time()
    url = _database_url()
    setup = prepare(url, args.services, args.reviews, args.reuse)
    app = make_app_for(url, INDEX_DIR)
    facts = _facts(app)
    results = run(app, facts, args.requests)
    text = report(args.services, setup, facts, results, time.perf_counter() - started,
                  time.process_time() - cpu,
                  "python -m bench.oruk_latency " + " ".join(sys.argv[1:]))
    print(text, flush=True)
    if not args.no_results_file:
        with RESULTS.open("a") as results_file:
            results_file.write("\n" + text)


if __name__ == "__main__":
    main()
