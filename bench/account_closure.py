"""How long closing an account takes (accounts/closure.py) when the email outbox and the
notifications are large, since closing reads every one of them for the person's names.

    .venv/bin/python -m bench.account_closure --rows 50000
    DATABASE_URL=postgresql://pathways:pathways@127.0.0.1/pathways_bench \\
        .venv/bin/python -m bench.account_closure --rows 50000

The target database is EMPTIED (every table dropped) and migrated for each run; the default is a
scratch SQLite file. Each run builds the account-closure tests' holder who used nearly
everything (tests/accounts/closure_people.py), adds `--rows` emails and `--rows` notifications
about other people, then times close_account and its commit: the time from pressing "Close my
account" to the database having it, less the request's own overhead. Prints the figures; they
are quoted in docs/account-closure.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import sqlalchemy as sa

from bench.orders_throughput import engine_url, fresh_app, machine_description


def one_run(url: str, rows: int) -> float:
    from marketplace.accounts import closure
    from marketplace.extensions import db
    from marketplace.notifications.models import EmailMessage, Notification
    from tests.accounts.closure_people import rich_holder
    from tests.factories import PASSWORD, make_user

    app = fresh_app(url, migrate=True, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    with app.app_context():
        holder = rich_holder()
        other = make_user("holder")
        for start in range(0, rows, 10_000):
            numbers = range(start, min(rows, start + 10_000))
            db.session.execute(sa.insert(EmailMessage), [{
                "to_address": f"person{i}@example.org", "subject": f"Order {i} was accepted",
                "body": f"Hello Person {i},\n\nOrder {i} for Photography group (£25.00) was "
                        f"accepted by Bea Bright.\n\nSee the details: /orders/{i}\n\nPathways\n",
                "status": "captured", "message_id": f"<bench-{i}@pathways.invalid>"}
                for i in numbers])
            db.session.execute(sa.insert(Notification), [{
                "user_id": other.id, "link": f"/orders/{i}",
                "message": f"Order {i} for Photography group (£25.00) was accepted by Bea Bright."}
                for i in numbers])
        db.session.commit()
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("ANALYZE"))
        started = time.perf_counter()
        closure.close_account(holder.user, password=PASSWORD, withdraw_reviews=False)
        db.session.commit()
        elapsed = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = engine_url(os.environ.get("DATABASE_URL")
                     or f"sqlite:///{tempfile.mkdtemp(prefix='bench-closure-')}/closure.db")
    times = [one_run(url, args.rows) for _ in range(args.runs)]
    load = os.getloadavg()
    print(f"{machine_description()} Load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}.")
    print(f"{sa.engine.make_url(url).get_backend_name()}: closing an account with {args.rows:,} "
          f"emails and {args.rows:,} notifications: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
