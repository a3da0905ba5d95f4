"""Search throughput through gunicorn, against a bare Flask route of the same app and server.

    .venv/bin/python -m bench.search_throughput --size 100000 --seconds 20

The market database bench/data/market-<size>.db is generated if missing (bench.generate_market)
and its index bench/data/index-<size>/ built if this index has not been (the app's upkeep).
Then for each server layout (`--layouts`, default "2x1,1x4": 2 sync worker processes, and 1
process with 4 threads) gunicorn serves bench.throughput_app on 127.0.0.1:--port with
API_RATE_LIMIT set very high, and a load generator of --clients processes (plain sockets, one
request per connection, as gunicorn's sync workers close the connection anyway) requests, for
--seconds each, in this order: the bare route, GET /api/v1/services?q=support and
GET /search?q=support. It prints requests per second, each search's share of the bare
route's rate in the same run, the gunicorn processes' CPU time per request (from
/proc/<pid>/stat, so the load generator is not counted) and the load average. The search
log is written as in production (batched, see marketplace/search/search_log.py); after each
run the rows are counted to check that every search was logged.

Appends a section to bench/RESULTS.md unless --no-results-file.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS_FILE = BENCH / "RESULTS.md"
TARGETS = (
    ("bare route", "/bench/bare"),
    ("API search", "/api/v1/services?q=support"),
    ("search page", "/search?q=support"),
)


def market(size: int) -> tuple[str, str]:
    from bench.generate_market import generate_market

    database = BENCH / "data" / f"market-{size}.db"
    url = f"sqlite:///{database}"
    if not database.exists():
        print(f"Generating {size} services into {database} ...", flush=True)
        generate_market(url, services=size)
    return url, str(BENCH / "data" / f"index-{size}")


def prepare_index(url: str, index_dir: str) -> None:
    from marketplace import create_app
    from marketplace.config import Config
    from marketplace.search import upkeep

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=index_dir,
                     SECRET_KEY="bench-not-secret")
    with app.app_context():
        started = time.perf_counter()
        done = upkeep.keep_current()
        if done.rebuilt is not None:
            print(f"Built the index: {done.rebuilt} services in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        assert upkeep.status().state == "current", upkeep.status()


def search_log_rows(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(sa.text("SELECT count(*) FROM search_log_entries"))
    engine.dispose()
    return count


def _client(port: int, path: str, until: float, start: float, results) -> None:
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").encode()
    while time.time() < start:
        time.sleep(0.001)
    done = failed = 0
    while time.time() < until:
        try:
            with socket.create_connection(("127.0.0.1", port)) as connection:
                connection.sendall(request)
                chunks = []
                while True:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            status = b"".join(chunks[:1])[9:12]
            if status == b"200":
                done += 1
            else:
                failed += 1
        except OSError:
            failed += 1
    results.put((done, failed))


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def load(port: int, path: str, clients: int, seconds: float, pids: list[int]) -> dict:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.time() + 0.5
    until = start + seconds
    workers = [context.Process(target=_client, args=(port, path, until, start, results))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    while time.time() < start:
        time.sleep(0.01)
    cpu_before = _cpu_seconds(pids)
    got = [results.get(timeout=seconds + 60) for _ in workers]
    cpu = _cpu_seconds(pids) - cpu_before
    for worker in workers:
        worker.join()
    done = sum(d for d, _ in got)
    failed = sum(f for _, f in got)
    return {"rate": done / seconds, "done": done, "failed": failed,
            "cpu_ms": 1000 * cpu / done if done else float("nan"),
            "load": os.getloadavg()}


def serve(layout: str, port: int, url: str, index_dir: str, root: Path = ROOT):
    processes, threads = (int(part) for part in layout.split("x"))
    environment = dict(os.environ, DATABASE_URL=url, SEARCH_INDEX_DIR=index_dir,
                       API_RATE_LIMIT="100000000 per minute", PYTHONPATH=str(root))
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
               "--workers", str(processes), "--threads", str(threads),
               "--worker-class", "gthread" if threads > 1 else "sync",
               "--log-level", "warning", "bench.throughput_app:create()"]
    server = subprocess.Popen(command, env=environment, cwd=root)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if b" 200 " in connection.recv(100):
                    break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        server.terminate()
        raise RuntimeError("gunicorn did not answer /healthz 200")
    time.sleep(1)
    return server, _children(server.pid)


def run_layout(layout: str, args, url: str, index_dir: str) -> dict:
    server, pids = serve(layout, args.port, url, index_dir,
                         Path(args.code_root) if args.code_root else ROOT)
    rows_before = search_log_rows(url)
    searches = 0
    try:
        for name, path in TARGETS:  # warm every worker's caches
            warm = load(args.port, path, args.clients, 2, pids)
            searches += warm["done"] if name != "bare route" else 0
        figures = {name: load(args.port, path, args.clients, args.seconds, pids)
                   for name, path in TARGETS}
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: the workers flush their search logs
        server.wait(timeout=60)
    searches += figures["API search"]["done"] + figures["search page"]["done"]
    figures["logged"] = (search_log_rows(url) - rows_before, searches)
    return figures


def report(size: int, layout: str, args, figures: dict) -> list[str]:
    bare = figures["bare route"]["rate"]
    lines = []
    processes, threads = layout.split("x")
    lines.append(f"Layout {layout}: {processes} gunicorn process(es) x {threads} thread(s), "
                 f"{args.clients} client processes, {args.seconds:.0f} s per target, "
                 f"{size:,} services")
    lines.append("")
    lines.append("| target | req/s | share of bare route | server CPU per request | failed | load average after |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for name, _ in TARGETS:
        figure = figures[name]
        share = "-" if name == "bare route" else f"{100 * figure['rate'] / bare:.1f}%"
        lines.append(f"| {name} | {figure['rate']:,.0f} | {share} | {figure['cpu_ms']:.2f} ms "
                     f"| {figure['failed']} | {'/'.join(f'{x:.1f}' for x in figure['load'])} |")
    logged, searches = figures["logged"]
    lines.append("")
    lines.append(f"Search log rows written from start to graceful stop: {logged:,} for {searches:,} "
                 f"searches answered 200 (warm-up included)"
                 f"{' - complete' if logged == searches else ' - INCOMPLETE'}.")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=5150)
    parser.add_argument("--layouts", default="2x1,1x4")
    parser.add_argument("--database-url", help="an existing market instead of bench/data's")
    parser.add_argument("--index-dir", help="with --database-url: where its index lives")
    parser.add_argument("--code-root", help="serve the app from another checkout (a before run; "
                        "it needs bench/throughput_app.py and an index already built by it)")
    parser.add_argument("--no-results-file", action="store_true")
    args = parser.parse_args()

    if args.database_url:
        url, index_dir = args.database_url, args.index_dir or str(BENCH / "data" / "index-custom")
    else:
        url, index_dir = market(args.size)
    if not args.code_root:
        prepare_index(url, index_dir)
    started = datetime.now(timezone.utc)
    sections = []
    for layout in args.layouts.split(","):
        figures = run_layout(layout, args, url, index_dir)
        lines = report(args.size, layout, args, figures)
        print("\n".join(lines), flush=True)
        sections.append(lines)
    if not args.no_results_file:
        with RESULTS_FILE.open("a") as handle:
            handle.write(
                f"\n## Search throughput run of {started:%Y-%m-%d %H:%M} UTC\n\n"
                f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
                f"{platform.python_version()}, SQLite market database. Command: "
                f"`python -m bench.search_throughput {' '.join(sys.argv[1:])}`"
                f"{' (the code served is that checkout, not this one)' if args.code_root else ''}"
                f"\n\n")
            for lines in sections:
                handle.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
