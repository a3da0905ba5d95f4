"""The commissioners' views at region size (issue 10: p95 under 500 ms), through the Flask test
client, logged in as a commissioner, on PostgreSQL.

    DATABASE_URL=postgresql://pathways:pathways@127.0.0.1/pathways_perf_bench \\
        .venv/bin/python -m bench.commissioning_latency [--runs 20] [--warm 2]

Fill the database first with `python -m bench.generate_commissioning` (it empties it). Each
view is requested `--warm` times, then `--runs` times in rounds (every view once per round, so
a busy moment on the shared machine falls on all of them alike). For each request: the wall
clock, the CPU time of this process (the app: Python, templates) and of the PostgreSQL backend
serving it (read from /proc: the app's pool holds two connections, whose backends serve every
request; needs the database on this machine, as in CI, and nothing else using it). Views: the market map (as opened, and
filtered to an area and a kind of support), one gap opened up, equality and access, spend,
quality with the services to review, one listed service's page, a market position statement
drafted (POST), and the four /api/v1/commissioning tables with a bearer token.

Before measuring, the worker's `market-summaries` job runs once (it brings the summary tables
up to date, as the worker would have: on a new database it builds them all; `--no-refresh`
leaves them as they are) and is timed; after measuring, the job runs again with nothing new to
do, then after a day's worth of searches (5,500, copied) is logged late for yesterday, so it
summarises that day again; each timed. (The copies stay in the database.)

The statement POST only records a draft for the worker; after measuring, the worker's
`statement-drafts` job is timed writing DRAFTS_TIMED of them, one a run (a job time, not a
page time), and the drafts the POSTs asked for are deleted.

`--live` measures the views as they were before the summaries, every figure worked out from
the source rows: the summaries' recorded settings are set aside for the run (a summary whose
settings differ from the app's is not read) and put back afterwards, so the job need not
rebuild them; no refresh is timed then.

Prints a table and appends a section to bench/RESULTS.md unless --no-results-file.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import time
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.generate_commissioning import COMMISSIONER_EMAIL, PASSWORD
from bench.orders_throughput import (
    append_section,
    engine_url,
    fresh_app,
    machine_description,
    percentile,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: Drafts the statement-drafts job is timed writing, after measuring.
DRAFTS_TIMED = 5


def backend_cpu_seconds(pid: int) -> float:
    """user + system CPU of a local process (a PostgreSQL backend), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def app_backends(app) -> list[int]:
    """The PostgreSQL backends of the app's pool (two connections: a request's, and the one
    that records a session's last use), warmed up by then."""
    from marketplace.extensions import db

    with app.app_context():
        mine = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        pids = db.session.scalars(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend'")).all()
        db.session.remove()
    assert mine in pids
    return pids


def data_sizes() -> dict[str, int]:
    from marketplace.extensions import db

    counts = {}
    for label, sql in (
            ("services", "SELECT count(*) FROM services"),
            ("active services", "SELECT count(*) FROM services WHERE status = 'active'"),
            ("providers", "SELECT count(*) FROM providers"),
            ("budget holders", "SELECT count(*) FROM users WHERE role = 'holder'"),
            ("budgets", "SELECT count(*) FROM budgets"),
            ("orders", "SELECT count(*) FROM orders"),
            ("ledger lines", "SELECT count(*) FROM ledger_lines"),
            ("search-log rows", "SELECT count(*) FROM search_log_entries"),
            ("reviews", "SELECT count(*) FROM reviews"),
            ("needs", "SELECT count(*) FROM needs")):
        counts[label] = db.session.scalar(sa.text(sql))
    db.session.rollback()
    return counts


def views(client, token: str) -> list[tuple[str, str, str, dict]]:
    """(label, method, path, extra) for every view measured."""
    from marketplace.times import london_today

    quality = client.get("/commissioning/quality").get_data(as_text=True)
    listed = re.search(r"/commissioning/quality/services/(\d+)", quality)
    end = london_today()
    bearer = {"headers": {"Authorization": f"Bearer {token}"}}
    found = [
        ("market map", "GET", "/commissioning/market", {}),
        ("market map, Salford peer support", "GET",
         "/commissioning/market?area=salford&category=peer-support", {}),
        ("market map, district M14", "GET", "/commissioning/market?area=M14", {}),
        ("a gap opened up", "GET",
         "/commissioning/market/gap?gap_category=peer-support&gap_area=salford", {}),
        ("equality and access", "GET", "/commissioning/equality", {}),
        ("spend", "GET", "/commissioning/spend", {}),
        ("spend, a year", "GET",
         f"/commissioning/spend?start={(end - timedelta(days=364)).isoformat()}", {}),
        ("quality and services to review", "GET", "/commissioning/quality", {}),
        ("market position statement draft asked for (POST; the worker writes it)", "POST",
         "/commissioning/statements",
         {"data": {"start": (end - timedelta(days=89)).isoformat(), "end": end.isoformat()}}),
    ]
    if listed:
        found.insert(8, ("a service to review", "GET",
                         f"/commissioning/quality/services/{listed.group(1)}", {}))
    for name in ("market", "spend", "equality", "quality"):
        found.append((f"API {name}", "GET", f"/api/v1/commissioning/{name}", bearer))
    return found


def measure(url: str, runs: int, warm: int) -> dict[str, list[tuple[float, float, float]]]:
    from marketplace.accounts.models import User
    from marketplace.api.auth import create_token
    from marketplace.extensions import db

    app = fresh_app(url, migrate=False, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
                    SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2, "max_overflow": 0})
    timings: dict[str, list[tuple[float, float, float]]] = {}
    with app.app_context():
        commissioner = db.session.scalar(sa.select(User).where(User.email == COMMISSIONER_EMAIL))
        _, token = create_token(commissioner, "bench", ["read"])
        db.session.commit()
        db.session.remove()
    gc.freeze()  # as wsgi.py does once the app is made
    client = app.test_client()
    response = client.post("/login", data={"email": COMMISSIONER_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, f"login failed: {response.status_code}"
    plan = views(client, token)
    failed = {}
    for label, method, path, extra in plan:
        try:
            for _ in range(warm):
                _request(client, method, path, extra)
        except ViewFailed as error:  # measured no further, and reported
            failed[label] = str(error)
        timings[label] = []
    pids = app_backends(app)
    for _ in range(runs):
        for label, method, path, extra in plan:
            if label in failed:
                continue
            database_before = sum(backend_cpu_seconds(pid) for pid in pids)
            cpu_before = time.process_time()
            started = time.perf_counter()
            _request(client, method, path, extra)
            wall = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_before) * 1000
            database = sum(backend_cpu_seconds(pid) for pid in pids) - database_before
            timings[label].append((wall, cpu, database * 1000))
    for label, error in failed.items():
        timings[label] = error
    return timings


def _request(client, method: str, path: str, extra: dict) -> None:
    response = client.open(path, method=method, **extra)
    if response.status_code not in (200, 302):
        raise ViewFailed(f"{method} {path} answered {response.status_code}")


class ViewFailed(Exception):
    pass


def refresh_timings(url: str, *, before: bool) -> list[tuple[str, float, float, str]]:
    """The summary job: as the worker runs it before measuring (before=True); else with
    nothing new, and after a day's worth of new rows. (label, wall s, CPU s, its result)."""
    from marketplace.commissioning.summary_refresh import refresh_summaries
    from marketplace.extensions import db

    app = fresh_app(url, migrate=False)
    with app.app_context():
        if before:
            return [_timed("before measuring", refresh_summaries)]
        found = [_timed("again, nothing new", refresh_summaries)]
        db.session.execute(sa.text(
            "INSERT INTO search_log_entries (query_text, filters, area, result_count, specialism, "
            "channel, created_at) SELECT query_text, filters, area, result_count, specialism, "
            "channel, "
            "now() - interval '1 day' FROM search_log_entries ORDER BY id DESC LIMIT 5500"))
        db.session.commit()
        found.append(_timed("after a day's worth of searches (5,500) logged late for "
                            "yesterday", refresh_summaries))
    return found


def drafting_timings(url: str, drafts: int, after_id: int) -> list[tuple[float, float, float]]:
    """The worker's statement-drafts job writing the drafts the timed POSTs asked for, one
    draft a run (as the job does, in one transaction with its commit): (wall s, CPU s of
    this process, CPU s of its PostgreSQL backend) per draft. The statements the POSTs asked
    for (ids above after_id) are then deleted, so runs do not pile them up."""
    from marketplace.commissioning.disclosure import current_rule
    from marketplace.commissioning.statements import prepare_waiting_drafts
    from marketplace.extensions import db

    app = fresh_app(url, migrate=False)
    found = []
    with app.app_context():
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        for _ in range(drafts):
            database, cpu, started = backend_cpu_seconds(pid), time.process_time(), \
                time.perf_counter()
            report = prepare_waiting_drafts(current_rule(), limit=1)
            db.session.commit()
            assert report.failed == 0, report
            if not report.written:  # fewer POSTs than drafts to time
                break
            found.append((time.perf_counter() - started, time.process_time() - cpu,
                          backend_cpu_seconds(pid) - database))
        db.session.execute(sa.text("DELETE FROM market_position_statements WHERE id > :after"),
                           {"after": after_id})
        db.session.commit()
    return found


@contextmanager
def summaries_set_aside(url: str):
    """Every summary unread while inside (its settings no longer match the app's), then as it
    was: the views work everything out live, as before the summaries."""
    app = fresh_app(url, migrate=False)
    with app.app_context():
        from marketplace.extensions import db

        saved = db.session.execute(sa.text(
            "SELECT name, settings FROM market_summary_refreshes")).all()
        db.session.execute(sa.text("UPDATE market_summary_refreshes SET settings = :aside"),
                           {"aside": '{"set aside by": "bench.commissioning_latency --live"}'})
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            for name, settings in saved:
                db.session.execute(sa.text(
                    "UPDATE market_summary_refreshes SET settings = :settings WHERE name = :name"),
                    {"settings": json.dumps(settings), "name": name})
            db.session.commit()


def _timed(label: str, work) -> tuple[str, float, float, str]:
    from marketplace.extensions import db

    cpu, started = time.process_time(), time.perf_counter()
    result = work()
    db.session.commit()
    return label, time.perf_counter() - started, time.process_time() - cpu, result


def table(timings: dict[str, list[tuple[float, float, float]]]) -> str:
    lines = ["| view | n | p50 ms | p95 ms | max ms | app CPU ms (mean) | database CPU ms (mean) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for label, rows in timings.items():
        if isinstance(rows, str):
            lines.append(f"| {label} | failed: {rows} | | | | | |")
            continue
        walls = sorted(row[0] for row in rows)
        lines.append(f"| {label} | {len(rows)} | {statistics.median(walls):.0f} | "
                     f"{percentile(walls, 95):.0f} | {walls[-1]:.0f} | "
                     f"{statistics.mean(r[1] for r in rows):.0f} | "
                     f"{statistics.mean(r[2] for r in rows):.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm", type=int, default=2)
    parser.add_argument("--no-refresh", action="store_true",
                        help="measure without running the summary job first")
    parser.add_argument("--live", action="store_true",
                        help="measure the views working everything out live (summaries set "
                             "aside), as before the summaries")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("give the PostgreSQL --database-url that bench.generate_commissioning filled")
    url = engine_url(args.database_url)
    with fresh_app(url, migrate=False).app_context():
        from marketplace.extensions import db

        sizes = data_sizes()
        last_statement = db.session.scalar(sa.text(
            "SELECT coalesce(max(id), 0) FROM market_position_statements"))
        db.session.rollback()
    refresh = not (args.no_refresh or args.live)
    refreshed = refresh_timings(url, before=True) if refresh else []
    load_before = os.getloadavg()
    cpu_before = time.process_time()
    started = time.perf_counter()
    with summaries_set_aside(url) if args.live else nullcontext():
        timings = measure(url, args.runs, args.warm)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    load_after = os.getloadavg()
    if refresh:
        refreshed += refresh_timings(url, before=False)
    drafted = drafting_timings(url, DRAFTS_TIMED, last_statement)
    result = table(timings)
    sizes_text = ", ".join(f"{count:,} {label}" for label, count in sizes.items())
    jobs = "\n".join(f"- market-summaries job, {label}: {wall:.1f} s wall, {job_cpu:.1f} s CPU "
                     f"in this process ({outcome})" for label, wall, job_cpu, outcome in refreshed)
    walls = sorted(wall for wall, _, _ in drafted)
    jobs += (f"\n- statement-drafts job, writing one draft (the worker's time, not a page's), "
             f"{len(drafted)} runs: p50 {statistics.median(walls):.1f} s, max {walls[-1]:.1f} s "
             f"wall; mean {statistics.mean(c for _, c, _ in drafted):.1f} s CPU in this "
             f"process, {statistics.mean(d for _, _, d in drafted):.1f} s database CPU")
    loads = (f"Load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} "
             f"{load_before[2]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
             f"{load_after[2]:.2f}.")
    print(result, jobs, sizes_text, loads, f"{elapsed:.0f} s wall, {cpu:.0f} s CPU", sep="\n\n")
    if not args.no_results_file:
        append_section(
            "Commissioners' views: p95 at region size (PostgreSQL, test client"
            f"{'; live queries, summaries set aside' if args.live else ''})",
            f"{machine_description()} `python -m bench.commissioning_latency --runs "
            f"{args.runs} --warm {args.warm}`{' --no-refresh' if args.no_refresh else ''}"
            f"{' --live' if args.live else ''}. "
            f"Data: {sizes_text}. {loads} Measuring took {elapsed:.0f} s wall, {cpu:.0f} s "
            f"CPU in this process.\n\n{result}\n\n{jobs}\n")


if __name__ == "__main__":
    main()
