"""Reviews benchmarks (issue 9): a service page with 1,000 published reviews, and search sorted
by rating against the same queries sorted by relevance, at 100,000 services and 500,000
reviews.

    .venv/bin/python -m bench.reviews_latency [--services 100000] [--reviews 500000]
        [--queries 300] [--page-requests 300] [--reuse] [--no-results-file]

The market comes from bench/generate_market.py (copied to bench/data/reviews-<size>.db) and
its reviews from bench/generate_reviews.py; the Whoosh index is rebuilt from the rated
services with the app's own rebuild. `--reuse` keeps an existing reviews database and index.

Service page: GET /services/1 (1,000 published reviews, a reply on every third) over HTTP on
a loopback werkzeug server, after 20 warm-up requests. Rating sort: the 300 fixed-seed queries
of bench/search_latency.py, each run once without a sort (relevance) and once with
sort=rating, through the service layer, alternating which goes first, with the engine's
query caches emptied before the pass, so both sorts meet each query new. The figures and the
machine are printed and appended to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import shutil
import time
from datetime import datetime, timezone

from bench.search_latency import (
    DATA_DIR, RESULTS, Server, ensure_market, forget_query_caches, load, machine,
    make_app_for, make_queries, paths, run_service_layer, summary,
)

SERVICE_PAGE = "/services/1"


def reviews_paths(size: int) -> dict:
    return {"db": DATA_DIR / f"reviews-{size}.db", "index": DATA_DIR / f"reviews-index-{size}"}


def prepare(size: int, reviews: int, reuse: bool):
    from bench.generate_reviews import generate_reviews

    where = reviews_paths(size)
    setup: dict = {}
    if not (reuse and where["db"].exists()):
        ensure_market(size)
        shutil.copyfile(paths(size)["db"], where["db"])
        shutil.rmtree(where["index"], ignore_errors=True)
        app = make_app_for(f"sqlite:///{where['db']}", where["index"])
        print(f"[{size}] adding {reviews} reviews ...", flush=True)
        setup["generated"] = generate_reviews(app, reviews)
        print(setup["generated"], flush=True)
    app = make_app_for(f"sqlite:///{where['db']}", where["index"])
    print(f"[{size}] building the index ...", flush=True)
    setup.update(_build_index(app, where, reuse))
    return app, setup


def _build_index(app, where, reuse: bool) -> dict:
    from marketplace.search import upkeep

    if reuse and where["index"].exists():
        with app.app_context():
            upkeep.keep_current()
        return {"build_s": None}
    load_before = load()
    started, cpu = time.perf_counter(), time.process_time()
    with app.app_context():
        rebuilt = upkeep.keep_current(force_rebuild=True).rebuilt
    return {"build_s": time.perf_counter() - started, "build_cpu_s": time.process_time() - cpu,
            "indexed": rebuilt, "build_load": load_before}


def service_page_times(app, requests_count: int) -> list[tuple[float, float]]:
    import requests

    with Server(app) as server:
        url = f"http://127.0.0.1:{server.server.server_port}{SERVICE_PAGE}"
        times = []
        with requests.Session() as session:
            for number in range(20 + requests_count):
                started, cpu = time.perf_counter(), time.process_time()
                response = session.get(url, timeout=60)
                elapsed = ((time.perf_counter() - started) * 1000,
                           (time.process_time() - cpu) * 1000)
                if response.status_code != 200 or "Verified purchase" not in response.text:
                    raise RuntimeError(f"{url} -> {response.status_code}")
                if number >= 20:
                    times.append(elapsed)
    return times


def page_facts(app) -> dict:
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.reviews.models import Review

    with app.app_context():
        published = db.session.scalar(sa.select(sa.func.count(Review.id)).where(
            Review.service_id == 1, Review.state == "published"))
        total = db.session.scalar(sa.select(sa.func.count(Review.id)))
        db.session.remove()
    return {"service_1_published": published, "reviews": total}


def sorted_pair_times(app, count: int) -> tuple[list, list]:
    """The same queries by relevance and by rating, alternating which runs first."""
    queries = [{**q, "args": {k: v for k, v in q["args"].items() if k != "sort"}}
               for q in make_queries(app, count)]
    run_service_layer(app, make_queries(app, count, seed=301))  # warm the engine up
    forget_query_caches()
    relevance, rating = [], []
    for number, query in enumerate(queries):
        by_rating = {**query, "args": {**query["args"], "sort": "rating"}}
        if number % 2:
            rating += run_service_layer(app, [by_rating])
            relevance += run_service_layer(app, [query])
        else:
            relevance += run_service_layer(app, [query])
            rating += run_service_layer(app, [by_rating])
    return relevance, rating


def report(size: int, reviews: int, setup: dict, facts: dict, page: dict, relevance: dict,
           rating: dict, loads: dict, cpu_s: float, wall_s: float, command: str) -> str:
    facts_machine = machine()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    ratio = rating["p95"] / relevance["p95"]
    build = setup.get("build_s")
    lines = [
        f"## Reviews run of {when}: {size:,} services, {reviews:,} reviews",
        "",
        f"Command: `{command}`. Machine: {facts_machine['nproc']} CPUs ({facts_machine['cpu']}), "
        f"{facts_machine['memory_gb']} GB, Python {facts_machine['python']}, SQLite "
        f"{facts_machine['sqlite']}, whoosh-reloaded {facts_machine['whoosh']}. Whole run: "
        f"{wall_s:.0f} s wall, {cpu_s:.0f} s CPU of this process.",
        "",
        "| measure | p50 ms | p95 ms | max ms | CPU p50 / p95 ms | load average | target |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        f"| GET {SERVICE_PAGE} ({facts['service_1_published']:,} published reviews), HTTP, "
        f"{page['n']} requests | {page['p50']:.1f} | {page['p95']:.1f} | {page['max']:.0f} | "
        f"{page['cpu_p50']:.1f} / {page['cpu_p95']:.1f} | {loads['page']} | p95 < 100 ms: "
        f"{'met' if page['p95'] < 100 else 'not met'} |",
        f"| search by relevance, service layer, {relevance['n']} queries | "
        f"{relevance['p50']:.1f} | {relevance['p95']:.1f} | {relevance['max']:.0f} | "
        f"{relevance['cpu_p50']:.1f} / {relevance['cpu_p95']:.1f} | {loads['search']} | |",
        f"| the same queries sorted by rating | {rating['p50']:.1f} | {rating['p95']:.1f} | "
        f"{rating['max']:.0f} | {rating['cpu_p50']:.1f} / {rating['cpu_p95']:.1f} | "
        f"{loads['search']} | p95 within 1.2x of relevance: {ratio:.2f}x, "
        f"{'met' if ratio <= 1.2 else 'not met'} |",
        "",
        f"Reviews in the database: {facts['reviews']:,} (about 95% published); "
        f"{setup.get('generated', {}).get('replies', 'some')} replies on {SERVICE_PAGE}'s "
        "reviews, drawn with them. Index rebuild: "
        + (f"{build:.0f} s wall, {setup['build_cpu_s']:.0f} s CPU (load {setup['build_load']})."
           if build else "reused."),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=500_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--page-requests", type=int, default=300)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args(argv)
    started, cpu = time.perf_counter(), time.process_time()
    app, setup = prepare(args.services, args.reviews, args.reuse)
    facts = page_facts(app)
    loads = {"page": load()}
    page = summary(service_page_times(app, args.page_requests))
    print(f"service page: {page}", flush=True)
    loads["search"] = load()
    relevance, rating = sorted_pair_times(app, args.queries)
    loads["search"] += f" to {load()}"
    text = report(args.services, args.reviews, setup, facts, page, summary(relevance),
                  summary(rating), loads, time.process_time() - cpu,
                  time.perf_counter() - started,
                  "python -m bench.reviews_latency " + " ".join(sys.argv[1:]))
    print(text, flush=True)
    if not args.no_results_file:
        with RESULTS.open("a") as results:
            results.write("\n" + text)


if __name__ == "__main__":
    main()
