"""CPU time of one GET /healthz, in process (Flask's test client), on a built market index.

    .venv/bin/python -m bench.healthz_cost --size 10000 [--requests 2000]

/healthz compares this node's applied index log position with the log head (indexed reads)
and checks the index directory opens; it runs no search, so its cost does not grow with the
market. For the yardstick it also times what the old check did: a search over the whole index
(`Every()`, limit 1) on the same index. Uses bench/data/market-<size>.db and index-<size>/
(made by bench.search_throughput or bench.generate_market).
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url")
    parser.add_argument("--index-dir")
    args = parser.parse_args()

    from whoosh import query as wq

    from marketplace import create_app
    from marketplace.config import Config
    from marketplace.search import index, upkeep

    url = args.database_url or f"sqlite:///{BENCH / 'data' / f'market-{args.size}.db'}"
    index_dir = args.index_dir or str(BENCH / "data" / f"index-{args.size}")
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SEARCH_INDEX_DIR=index_dir,
                     SECRET_KEY="bench-not-secret")
    with app.app_context():
        upkeep.keep_current()
        documents = index._engine().index.doc_count()
    client = app.test_client()
    for _ in range(100):
        assert client.get("/healthz").status_code == 200
    started = time.process_time()
    for _ in range(args.requests):
        client.get("/healthz")
    healthz_ms = 1000 * (time.process_time() - started) / args.requests

    with app.app_context():
        engine = index._engine()
        started = time.process_time()
        rounds = 50
        for _ in range(rounds):
            with engine.lock:
                engine.current().searcher.search(wq.Every(), limit=1)
        old_ms = 1000 * (time.process_time() - started) / rounds
    print(f"{documents:,} documents; load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"GET /healthz: {healthz_ms:.3f} ms CPU per request ({args.requests} requests)")
    print(f"the old check's search over the whole index: {old_ms:.2f} ms CPU")


if __name__ == "__main__":
    main()
