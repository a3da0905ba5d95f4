"""Write a large generated market (default 100,000 services, about 15,000 providers) straight
into a database, for the search benchmarks.

    python -m bench.generate_market --services 100000 \
        --database-url sqlite:///bench/data/market-100k.db

The rows come from marketplace.demo.market, the generator behind `flask seed-demo`, with a
LongTail added so that descriptions carry a Zipf-like spread of words instead of repeating the
same templates. Same seed, same rows. The schema is created with metadata.create_all (this is a
benchmark fixture, not the app's database); rows go in with SQLAlchemy Core bulk inserts in
chunks, providers' owners first, then providers, then services, all in one transaction. The
target must hold no providers yet. No search index is built and no outbox entries are
written: the benchmark builds its index from these rows (the open data feed's words and
schedule rules are worked out, as the app keeps them). Every provider account's password is
"pathways-demo" (one hash, reused).
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

DEFAULT_SEED = 2026
PROVIDERS_PER_SERVICE = 0.15
CHUNK_SIZE = 5000


def _engine_url(database_url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix):]
    return database_url


def generate_market(
    database_url: str, services: int = 100_000, seed: int = DEFAULT_SEED,
    providers: int | None = None,
) -> dict[str, float]:
    """Create the schema if needed and insert the market. Returns counts and seconds taken."""
    from marketplace import models  # noqa: F401  (registers every table on db.metadata)
    from marketplace.accounts.models import User
    from marketplace.demo.market import check_market, default_long_tail
    from marketplace.demo.market import generate_market as generate_rows
    from marketplace.extensions import db
    from marketplace.openreferral import upkeep
    from marketplace.providers.models import Provider, Service

    started = time.perf_counter()
    url = _engine_url(database_url)
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    with engine.connect() as connection:
        if connection.scalar(sa.select(sa.func.count()).select_from(Provider.__table__)):
            engine.dispose()
            raise RuntimeError(f"{database_url} already holds providers; use an empty database.")

    provider_count = providers or max(1, round(services * PROVIDERS_PER_SERVICE))
    market = generate_rows(random.Random(seed), providers=provider_count, services=services,
                           long_tail=default_long_tail())
    check_market(market)
    generated = time.perf_counter()

    now = datetime(2026, 11, 1, 9, 0, 0, tzinfo=timezone.utc)
    password_hash = generate_password_hash("pathways-demo")
    user_rows, provider_rows, service_rows = [], [], []
    for fields in market.providers:
        row = dict(fields)
        number = row.pop("number")
        user_rows.append({"id": number, "email": row.pop("owner_email"),
                          "display_name": row.pop("owner_name"), "role": "provider",
                          "password_hash": password_hash, "is_active_account": True,
                          "created_at": now})
        provider_rows.append({"id": number, "owner_id": number, "created_at": now,
                              "updated_at": now, **row})
    for number, fields in enumerate(market.services, start=1):
        row = dict(fields)
        service_rows.append({"id": number, "provider_id": row.pop("provider_number"),
                             "created_at": now, "updated_at": now, **row})

    with engine.begin() as connection:
        for table, rows in ((User.__table__, user_rows), (Provider.__table__, provider_rows),
                            (Service.__table__, service_rows)):
            for start in range(0, len(rows), CHUNK_SIZE):
                connection.execute(table.insert(), rows[start:start + CHUNK_SIZE])
        # Rows went in without the ORM, so the open data feed's words and schedule rules
        # are worked out here, as migration 0029 does for a database with services in it.
        upkeep.refresh_all(connection)
        upkeep.add_text_search(connection)
        if engine.dialect.name == "postgresql":
            # Ids were given explicitly, so move the sequences past them for later inserts.
            for table in ("users", "providers", "services"):
                connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))
    engine.dispose()
    finished = time.perf_counter()
    return {"providers": len(provider_rows), "services": len(service_rows),
            "generate_seconds": round(generated - started, 2),
            "insert_seconds": round(finished - generated, 2),
            "total_seconds": round(finished - started, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=None,
                        # argparse %-formats help text, so the percent sign is doubled after formatting.
                        help=f"default: {PROVIDERS_PER_SERVICE:.0%} of the services".replace("%", "%%"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--database-url", default=None,
                        help="default: sqlite:///bench/data/market-<services>.db")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///bench/data/market-{args.services}.db"
    try:
        result = generate_market(url, services=args.services, seed=args.seed,
                                 providers=args.providers)
    except RuntimeError as error:
        raise SystemExit(f"Nothing written: {error}") from error
    print(f"Wrote {result['providers']} providers and {result['services']} services to {url} "
          f"in {result['total_seconds']} s (generating {result['generate_seconds']} s, "
          f"inserting {result['insert_seconds']} s).")


if __name__ == "__main__":
    main()
