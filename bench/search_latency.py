"""Search latency at 10,000 and 100,000 services: Whoosh through the service layer and through
HTTP, beside a plain SQLite FTS5 query over the same rows, in the same run.

    python -m bench.search_latency [--sizes 10000,100000] [--queries 300] [--reuse-index]

For each size: the market database bench/data/market-<size>.db is generated if missing
(bench.generate_market); the Whoosh index bench/data/index-<size>/ is rebuilt with the app's
the reindex rebuild (timed, size on disk measured) unless --reuse-index finds one; an FTS5 table
over the same text (title, description, provider name, category labels, tags) plus plain
filter tables is built in bench/data/fts-<size>.db. Then, in a fresh process, the cold start
(app creation, first search, first phrase-synonym search) is timed; then the same fixed-seed
queries run, after a warm-up, (a) through search_services(params, log=False), (b) through
GET /api/v1/services on a werkzeug server on 127.0.0.1 in a thread (this path commits a search
log row per request, as in production), and (c) as FTS5 MATCH ... ORDER BY rank LIMIT 20 with
the filters as WHERE clauses on the plain tables (no facets, no total, no spelling: FTS5 is
the yardstick for the text-and-filter part only). Last, a listing is edited six times and the
first search after each edit is timed. Figures go to stdout and are appended to
bench/RESULTS.md with the machine, the date and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS = BENCH_DIR / "RESULTS.md"
SEED = 300
PAGE_SIZE = 20

SYNONYM_QUERIES = [
    "pa", "lonely", "gym", "isolated", "personal assistant", "respite", "peer support",
    "depressed", "carer", "counselling", "walking", "allotment", "job", "gym membership",
    "short break", "anxiety", "swimming", "housing", "money", "bored", "hearing voices",
    "support worker", "self help", "loneliness", "workout",
]
STOP = {"and", "the", "for", "with", "you", "your", "our", "are", "from", "who", "can", "all",
        "that", "this", "into", "have", "has", "will", "not", "but", "its", "their", "they",
        "what", "when", "per", "out", "about", "more", "one", "two", "each"}
_WORD = re.compile(r"[a-z]+")


# --- set-up ----------------------------------------------------------------------------


def paths(size: int) -> dict[str, Path]:
    return {"db": DATA_DIR / f"market-{size}.db", "index": DATA_DIR / f"index-{size}",
            "fts": DATA_DIR / f"fts-{size}.db"}


def make_app(size: int):
    where = paths(size)
    return make_app_for(f"sqlite:///{where['db']}", where["index"])


def make_app_for(database_url: str, index_dir: Path | None = None):
    """The app on a benchmark database, with no rate limits (one client asks many times)."""
    from marketplace import create_app
    from marketplace.config import Config

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": {},
                "RATELIMIT_ENABLED": False}
    if index_dir is not None:
        settings["SEARCH_INDEX_DIR"] = str(index_dir)
    return create_app(Config, **settings)


def ensure_market(size: int) -> None:
    where = paths(size)
    if where["db"].exists():
        return
    from bench.generate_market import generate_market

    print(f"Generating {size} services into {where['db']} ...", flush=True)
    print(generate_market(f"sqlite:///{where['db']}", services=size), flush=True)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_whoosh(app, size: int, reuse: bool) -> dict:
    from marketplace.search import upkeep

    where = paths(size)
    with app.app_context():
        if reuse and where["index"].exists() and dir_size(where["index"]) > 1_000_000:
            return {"build_s": None, "index_mb": dir_size(where["index"]) / 1e6}
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        count = upkeep.keep_current(force_rebuild=True).rebuilt
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"build_s": elapsed, "build_cpu_s": cpu, "indexed": count, "build_load": load,
            "index_mb": dir_size(where["index"]) / 1e6}


def build_fts(app, size: int) -> dict:
    """The yardstick: FTS5 over the same text, filter values in plain indexed tables."""
    from marketplace import vocabulary
    from marketplace.extensions import db
    from marketplace.providers.models import Service
    from marketplace.search import index

    where = paths(size)
    where["fts"].unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(where["fts"])
    con.executescript("""
        CREATE TABLE svc (id INTEGER PRIMARY KEY, price_pence INTEGER, rating_centi INTEGER,
            provider_type TEXT, ulo INT, micro INT, evenings INT, weekends INT, poolable INT);
        CREATE TABLE svc_value (service_id INTEGER, name TEXT, value TEXT);
        CREATE VIRTUAL TABLE svc_fts USING fts5(title, description, provider_name,
            category_text, tags, tokenize='porter unicode61');
    """)
    with app.app_context():
        services = db.session.scalars(
            index._indexable_services(db.session).order_by(Service.id),
            execution_options={"yield_per": 2000},
        )
        rows, values, texts = [], [], []
        for service in services:
            doc = index._document(service)
            flags = set(doc["flags"].split())
            rows.append((service.id, doc["price_pence"], doc["rating_centi"],
                         doc["provider_type"], *(int(f in flags) for f in index.FLAGS)))
            for name in ("categories", "areas", "modes", "languages"):
                values += [(service.id, name, v) for v in doc[name].split()]
            categories = [service.category, *(service.secondary_categories or [])]
            texts.append((
                service.id, service.title,
                "\n".join(filter(None, (service.description, service.schedule,
                                        service.accessibility))),
                service.provider.name,
                " ".join(vocabulary.label(vocabulary.CATEGORIES, c) for c in categories),
                " ".join(service.tags or []),
            ))
        db.session.remove()
    con.executemany("INSERT INTO svc VALUES (?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO svc_value VALUES (?,?,?)", values)
    con.executemany("INSERT INTO svc_fts (rowid, title, description, provider_name, "
                    "category_text, tags) VALUES (?,?,?,?,?,?)", texts)
    con.executescript("""
        CREATE INDEX ix_svc_value ON svc_value (name, value, service_id);
        CREATE INDEX ix_svc_price ON svc (price_pence);
        INSERT INTO svc_fts(svc_fts) VALUES ('optimize');
        ANALYZE;
    """)
    con.commit()
    con.close()
    return {"fts_build_s": time.perf_counter() - started,
            "fts_mb": where["fts"].stat().st_size / 1e6}


# --- queries ---------------------------------------------------------------------------


def make_queries(app, count: int, seed: int = SEED) -> list[dict]:
    """count query-string dicts: single words, pairs, synonym words, misspellings and
    filter-only queries, about half with filters, a few sorted by price or rating."""
    import sqlalchemy as sa

    from marketplace import areas, vocabulary
    from marketplace.extensions import db
    from marketplace.providers.models import Service

    rng = random.Random(seed)
    with app.app_context():
        sample = db.session.execute(
            sa.select(Service.title, Service.description, Service.tags)
            .where(Service.id % 50 == 7).limit(2000)
        ).all()
        db.session.remove()
    words, pairs = [], []
    for title, description, tags in sample:
        title_words = [w for w in _WORD.findall(title.lower()) if len(w) > 2]
        words += [w for w in title_words if w not in STOP]
        words += [w for w in _WORD.findall(description.lower()) if len(w) > 3 and w not in STOP]
        words += [t.lower() for t in tags or [] if " " not in t]
        pairs += [f"{a} {b}" for a, b in zip(title_words, title_words[1:])
                  if a not in STOP and b not in STOP]
    districts = sorted(areas.DISTRICT_TO_AUTHORITY)
    authorities = sorted(areas.LOCAL_AUTHORITIES)
    filters = {
        "category": lambda: rng.choice(vocabulary.values(vocabulary.CATEGORIES)),
        "area": lambda: rng.choice(authorities if rng.random() < 0.6 else districts),
        "mode": lambda: rng.choice(vocabulary.values(vocabulary.DELIVERY_MODES)),
        "language": lambda: rng.choice(["en", "ur", "pl", "bn", "pa", "ar", "so", "bsl"]),
        "max_price": lambda: rng.choice(["10", "15", "20", "30", "50"]),
        "ulo": lambda: "true",
        "evenings": lambda: "true",
        "poolable": lambda: "true",
        "weekends": lambda: "true",
        "micro": lambda: "true",
    }

    def misspell(word: str) -> str:
        i = rng.randrange(1, len(word))
        edit = rng.choice(["drop", "swap", "change"])
        if edit == "drop":
            return word[:i] + word[i + 1:]
        if edit == "swap" and i < len(word) - 1:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        return word[:i] + rng.choice("aeioulnrst") + word[i + 1:]

    queries = []
    for _ in range(count):
        kind = rng.choices(["word", "pair", "synonym", "misspelt", "none"],
                           [30, 22, 20, 13, 15])[0]
        if kind == "word":
            q = rng.choice(words)
        elif kind == "pair":
            q = rng.choice(pairs)
        elif kind == "synonym":
            q = rng.choice(SYNONYM_QUERIES)
        elif kind == "misspelt":
            q = misspell(rng.choice([w for w in words if len(w) >= 5] or ["support"]))
        else:
            q = ""
        args = {"q": q} if q else {}
        if kind == "none" or rng.random() < 0.55:
            for name in rng.sample(list(filters), rng.choice([1, 1, 1, 2, 2, 3])):
                args[name] = filters[name]()
        if rng.random() < 0.12:
            args["sort"] = rng.choice(["price", "price-desc", "rating"])
        queries.append({"kind": kind, "filtered": len(set(args) - {"q", "sort"}) > 0,
                        "args": args})
    return queries


# --- measuring -------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(timings: list[tuple[float, float]]) -> dict:
    """p50, p95, max of wall-clock ms, and p50, p95 of CPU ms (the machine is shared: CPU
    time shows the work done when the wall clock includes waiting for a CPU)."""
    wall = [w for w, _ in timings]
    cpu = [c for _, c in timings]
    return {"p50": percentile(wall, 0.5), "p95": percentile(wall, 0.95), "max": max(wall),
            "mean": statistics.fmean(wall), "n": len(wall),
            "cpu_p50": percentile(cpu, 0.5), "cpu_p95": percentile(cpu, 0.95)}


def run_service_layer(app, queries: list[dict]) -> list[float]:
    from marketplace.extensions import db
    from marketplace.search.params import parse_search_params
    from marketplace.search.services import search_services

    times = []
    for query in queries:
        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            search_services(parse_search_params(query["args"]), log=False)
            times.append(((time.perf_counter() - started) * 1000,
                          (time.process_time() - cpu) * 1000))
            db.session.remove()
    return times


class Server:
    """The app on a werkzeug server on 127.0.0.1 (an ephemeral port), in a thread."""

    def __init__(self, app):
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

        self.server = make_server("127.0.0.1", 0, app, threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1/services"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()


def run_http(url: str, queries: list[dict]) -> list[float]:
    import requests

    times = []
    with requests.Session() as session:
        for query in queries:
            started, cpu = time.perf_counter(), time.process_time()
            response = session.get(url, params=query["args"], timeout=60)
            response.json()
            times.append(((time.perf_counter() - started) * 1000,
                          (time.process_time() - cpu) * 1000))
            if response.status_code != 200:
                raise RuntimeError(f"{query['args']} -> {response.status_code} {response.text}")
    return times


def fts_statement(args: dict) -> tuple[str, list]:
    """The FTS5 form of a query: MATCH on the words (synonyms ORed in, phrases quoted),
    filters as WHERE clauses on the plain tables, top 20."""
    from marketplace import areas
    from marketplace.money import parse_pounds
    from marketplace.search import synonyms

    where, bind = [], []
    for name, field in (("category", "categories"), ("area", "areas"), ("mode", "modes"),
                        ("language", "languages")):
        if args.get(name):
            value = areas.normalise_area(args[name]) if name == "area" else args[name]
            where.append("EXISTS (SELECT 1 FROM svc_value v WHERE v.service_id = svc.id "
                         "AND v.name = ? AND v.value = ?)")
            bind += [field, value]
    for flag in ("ulo", "micro", "evenings", "weekends", "poolable"):
        if args.get(flag):
            where.append(f"svc.{flag} = 1")
    if args.get("max_price"):
        where.append("svc.price_pence <= ?")
        bind.append(parse_pounds(args["max_price"]))
    order = {"price": "svc.price_pence, svc.id DESC", "price-desc": "svc.price_pence DESC",
             "rating": "svc.rating_centi DESC"}.get(args.get("sort", ""))
    units = synonyms.load(str(Path(__file__).resolve().parent.parent / "marketplace" / "search"
                              / "synonyms.txt")).expand(args.get("q", ""))
    if units:
        match = " AND ".join(
            "(" + " OR ".join(f'"{text}"' for text in (unit.text, *unit.alternatives)) + ")"
            for unit in units
        )
        sql = ("SELECT svc.id FROM svc_fts JOIN svc ON svc.id = svc_fts.rowid "
               "WHERE svc_fts MATCH ?" + "".join(f" AND {w}" for w in where)
               + f" ORDER BY {order or 'svc_fts.rank'} LIMIT {PAGE_SIZE}")
        return sql, [match, *bind]
    sql = ("SELECT svc.id FROM svc" + (" WHERE " + " AND ".join(where) if where else "")
           + f" ORDER BY {order or 'svc.id DESC'} LIMIT {PAGE_SIZE}")
    return sql, bind


def run_fts(size: int, queries: list[dict]) -> list[float]:
    con = sqlite3.connect(paths(size)["fts"])
    statements = [fts_statement(query["args"]) for query in queries]
    times = []
    for sql, bind in statements:
        started, cpu = time.perf_counter(), time.process_time()
        con.execute(sql, bind).fetchall()
        times.append(((time.perf_counter() - started) * 1000,
                      (time.process_time() - cpu) * 1000))
    con.close()
    return times


def edit_then_search(app, queries: list[dict], rounds: int = 6) -> dict:
    """Edit a listing (as provider code does: change, queue_reindex, commit: the commit hook
    applies the outbox) and time the first search after each edit."""
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.providers.models import Service
    from marketplace.search.outbox import queue_reindex
    from marketplace.search.params import parse_search_params
    from marketplace.search.services import search_services

    apply_ms, first_ms, second_ms, first_cpu_ms = [], [], [], []
    filtered = [q for q in queries if q["filtered"] and q["args"].get("q")]
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Service.id).where(Service.status == "active").order_by(Service.id)
            .limit(rounds)
        ).all()
        for number in range(rounds):
            service = db.session.get(Service, ids[number // 2])
            service.title = (service.title[:-len(" (edited)")] if number % 2
                             else service.title + " (edited)")
            queue_reindex(service.id)
            started = time.perf_counter()
            db.session.commit()  # the after-commit hook writes the index
            apply_ms.append((time.perf_counter() - started) * 1000)
            args = filtered[number % len(filtered)]["args"]
            for into in (first_ms, second_ms):
                started, cpu = time.perf_counter(), time.process_time()
                search_services(parse_search_params(args), log=False)
                into.append((time.perf_counter() - started) * 1000)
                if into is first_ms:
                    first_cpu_ms.append((time.process_time() - cpu) * 1000)
        db.session.remove()
    return {"edit_commit_ms": apply_ms, "first_after_edit_ms": first_ms,
            "first_after_edit_cpu_ms": first_cpu_ms,
            "second_after_edit_ms": second_ms}


def forget_query_caches() -> None:
    """Drop the engine's cached query results (word masks, whole queries), keeping what any
    search needs (filter masks, sort orders): the state of a warm worker meeting new queries."""
    from marketplace.search import index

    if hasattr(index, "forget_query_caches"):
        index.forget_query_caches()
        return
    for engine in index._engines.values():  # the engine as first written
        if engine.snapshot is not None:
            engine.snapshot._queries.clear()
            engine.snapshot._text.clear()
        for segment in engine.segments.values():
            segment.text.clear()


def cold_start_probe(size: int) -> dict:
    """Run in a fresh process: app creation, the first search, the first phrase synonym."""
    started, cpu = time.perf_counter(), time.process_time()
    app = make_app(size)
    created = time.perf_counter()
    figures = {"create_app_cpu_ms": (time.process_time() - cpu) * 1000}
    from marketplace.extensions import db
    from marketplace.search.params import parse_search_params
    from marketplace.search.services import search_services

    figures["create_app_ms"] = (created - started) * 1000
    for name, args in (("first_search_ms", {"q": "support", "area": "salford"}),
                       ("first_phrase_synonym_ms", {"q": "lonely"}),
                       ("first_misspelling_ms", {"q": "befriendng"}),
                       ("warm_repeat_ms", {"q": "support", "area": "salford"})):
        with app.app_context():
            began, cpu = time.perf_counter(), time.process_time()
            search_services(parse_search_params(args), log=False)
            figures[name] = (time.perf_counter() - began) * 1000
            figures[name.replace("_ms", "_cpu_ms")] = (time.process_time() - cpu) * 1000
            db.session.remove()
    return figures


# --- reporting -------------------------------------------------------------------------


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(int(line.split()[1]) for line in
                         Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        memory_kb = 0
    return {"nproc": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "cpu": model, "python": platform.python_version(),
            "whoosh": _version("whoosh-reloaded"), "sqlite": sqlite3.sqlite_version}


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def fmt(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def report(size: int, setup: dict, cold: dict, stats: dict, edits: dict, loads: dict,
           breakdown: dict) -> str:
    fts = stats["fts"]
    lines = [f"### {size:,} services", "",
             "| path | p50 ms | p95 ms | max ms | p50 / FTS5 | p95 / FTS5 | CPU p50 / p95 ms "
             "| load avg |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, label in (("service", "service layer (search_services)"),
                        ("http", "HTTP GET /api/v1/services"), ("fts", "SQLite FTS5 top 20")):
        s = stats[name]
        lines.append(f"| {label} | {s['p50']:.1f} | {s['p95']:.1f} | {s['max']:.1f} | "
                     f"{s['p50'] / fts['p50']:.1f}x | {s['p95'] / fts['p95']:.1f}x | "
                     f"{s['cpu_p50']:.1f} / {s['cpu_p95']:.1f} | {loads[name]} |")
    lines += ["", "Service layer by kind of query (p50 / p95 ms, count):", ""]
    lines += [f"- {kind}: {s['p50']:.1f} / {s['p95']:.1f} ({s['n']}); CPU {s['cpu_p50']:.1f} / "
              f"{s['cpu_p95']:.1f}"
              for kind, s in breakdown.items()]
    lines.append("")
    build = setup.get("build_s")
    lines += [
        f"- Service layer, the same 300 queries again (results cached per index generation): "
        f"p50 {stats['repeat']['p50']:.1f} ms, p95 {stats['repeat']['p95']:.1f} ms",
        "- Whoosh index build (flask reindex rebuild): "
        + (f"{build:.1f} s ({build / size * 1000:.2f} ms per service; CPU "
           f"{setup['build_cpu_s']:.1f} s; load {setup['build_load']:.1f})" if build
           else "reused, not rebuilt in this run")
        + f"; size on disk {setup['index_mb']:.1f} MB",
        f"- FTS5 build: {setup['fts_build_s']:.1f} s; {setup['fts_mb']:.1f} MB",
        f"- Cold start (fresh process): create_app {cold['create_app_ms']:.0f} ms (CPU "
        f"{cold['create_app_cpu_ms']:.0f}), first search {cold['first_search_ms']:.0f} ms (CPU "
        f"{cold['first_search_cpu_ms']:.0f}), first phrase synonym (\"lonely\") "
        f"{cold['first_phrase_synonym_ms']:.0f} ms, first misspelling "
        f"{cold['first_misspelling_ms']:.0f} ms, then a repeat {cold['warm_repeat_ms']:.1f} ms "
        f"(load {loads['cold']})",
        f"- Edit a listing, commit (index write): "
        f"{', '.join(f'{x:.0f}' for x in edits['edit_commit_ms'])} ms; first search after "
        f"each edit: {', '.join(f'{x:.0f}' for x in edits['first_after_edit_ms'])} ms (CPU "
        f"{', '.join(f'{x:.0f}' for x in edits['first_after_edit_cpu_ms'])}); "
        f"second: {', '.join(f'{x:.0f}' for x in edits['second_after_edit_ms'])} ms "
        f"(load {loads['edits']})",
        f"- Warm-up (first pass over the queries, discarded): service layer p50 "
        f"{stats['warmup']['p50']:.1f} ms, p95 {stats['warmup']['p95']:.1f} ms, "
        f"max {stats['warmup']['max']:.0f} ms",
        "",
    ]
    return "\n".join(lines)


def bench_size(size: int, count: int, reuse: bool) -> str:
    ensure_market(size)
    app = make_app(size)
    print(f"[{size}] building the Whoosh index ...", flush=True)
    setup = build_whoosh(app, size, reuse)
    print(f"[{size}] {setup}; building FTS5 ...", flush=True)
    setup.update(build_fts(app, size))
    print(f"[{size}] cold start probe ...", flush=True)
    loads = {"cold": load()}
    probe = subprocess.run(
        [sys.executable, "-m", "bench.search_latency", "--cold-probe", str(size)],
        cwd=BENCH_DIR.parent, capture_output=True, text=True, check=True,
    )
    cold = json.loads(probe.stdout.strip().splitlines()[-1])
    print(f"[{size}] cold: {cold}", flush=True)
    queries = make_queries(app, count)
    stats = {}
    # Warm up on other queries (another seed), then forget cached query results before each
    # pass, so every measured query costs what a query not seen before costs.
    warm = run_service_layer(app, make_queries(app, count, seed=SEED + 1))
    stats["warmup"] = summary(warm)
    print(f"[{size}] warm-up done (max {stats['warmup']['max']:.0f} ms)", flush=True)
    forget_query_caches()
    loads["service"] = load()
    service = run_service_layer(app, queries)
    stats["service"] = summary(service)
    stats["repeat"] = summary(run_service_layer(app, queries))
    breakdown = {}
    for kind in ("word", "pair", "synonym", "misspelt", "none"):
        picked = [t for t, q in zip(service, queries) if q["kind"] == kind]
        if picked:
            breakdown[kind] = summary(picked)
    for label, flag in (("with filters", True), ("no filters", False)):
        picked = [t for t, q in zip(service, queries) if q["filtered"] == flag]
        if picked:
            breakdown[label] = summary(picked)
    loads["http"] = load()
    with Server(app) as server:
        run_http(server.url, make_queries(app, 20, seed=SEED + 2))  # warm the server path
        forget_query_caches()
        stats["http"] = summary(run_http(server.url, queries))
    loads["fts"] = load()
    run_fts(size, queries)  # warm the page cache
    stats["fts"] = summary(run_fts(size, queries))
    loads["edits"] = load()
    edits = edit_then_search(app, queries)
    _forget_search_log(app)
    text = report(size, setup, cold, stats, edits, loads, breakdown)
    print(text, flush=True)
    return text


def _forget_search_log(app) -> None:
    """The HTTP pass logged a row per request; keep the reusable market database unchanged."""
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.search.models import SearchLogEntry

    with app.app_context():
        db.session.execute(sa.delete(SearchLogEntry))
        db.session.commit()
        db.session.remove()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse-index", action="store_true",
                        help="use an existing index in bench/data instead of rebuilding it")
    parser.add_argument("--no-results-file", action="store_true",
                        help="print only; do not append to bench/RESULTS.md")
    parser.add_argument("--note", default="", help="a line to record with the figures")
    parser.add_argument("--cold-probe", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold_probe:
        print(json.dumps(cold_start_probe(args.cold_probe)))
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        f"## Search run of {stamp}", "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB memory, "
        f"Python {info['python']}, whoosh-reloaded {info['whoosh']}, SQLite {info['sqlite']}; "
        f"{args.queries} queries (seed {SEED}), top {PAGE_SIZE} with facets. "
        f"Load average (1/5/15 min) at start: {load()}.",
    ]
    if args.note:
        sections.append(f"Note: {args.note}")
    sections.append("")
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        sections.append(bench_size(size, args.queries, args.reuse_index))
    if not args.no_results_file:
        with RESULTS.open("a", encoding="utf-8") as handle:
            if RESULTS.stat().st_size == 0:
                handle.write("# Search benchmark results\n\n")
            handle.write("\n".join(sections) + "\n")
        print(f"Appended to {RESULTS}")


if __name__ == "__main__":
    main()
