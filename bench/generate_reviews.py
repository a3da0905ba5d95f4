"""Add budget holders, confirmed orders and their reviews to a generated market (see
bench/generate_market.py), for the reviews benchmarks.

    python -m bench.generate_reviews --database-url sqlite:///bench/data/reviews-100000.db \
        --reviews 500000

Holders and their budgets go through the app's own budget services (a real allocation each);
orders and reviews go in with SQLAlchemy Core bulk inserts, one review per order, in one
transaction. The orders post no ledger lines: this is a fixture for reading reviews, not for
money. Reviews spread over services like real ones: most services have none, a few have
hundreds; service FIRST_SERVICE gets exactly BUSY_SERVICE_REVIEWS published reviews for the
service page benchmark, with replies on every third where the reply table exists. Each
service's rating is then worked out with the app's formula (reviews/rating.py) and stored, so
the search index built afterwards sorts by it. Same seed, same rows.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

DEFAULT_SEED = 2027
CHUNK_SIZE = 5000
HOLDERS = 2000
FIRST_SERVICE = 1
BUSY_SERVICE_REVIEWS = 1000
#: A realistic spread: most people who bother to review are pleased, a few are not.
STAR_WEIGHTS = {5: 46, 4: 29, 3: 11, 2: 7, 1: 7}
HELPED_WEIGHTS = {"yes": 70, "partly": 20, "no": 10}
SENTENCES = (
    "The sessions helped me get out of the house again.",
    "Friendly and patient, and always on time.",
    "It took a few weeks before I felt comfortable, but it was worth it.",
    "Not quite what I expected from the description.",
    "I would recommend this to anyone who feels isolated.",
    "The group was welcoming and nobody pushed me to talk.",
    "Cancelled twice at short notice, which was hard for me.",
    "Good value for what my budget could afford.",
)


def _holders(app, count: int) -> list[tuple[int, int]]:
    """(holder id, budget id) for count new holders with a real direct-payment allocation."""
    from marketplace.accounts.models import User
    from marketplace.budgets import services as budgets
    from marketplace.extensions import db
    from marketplace.times import london_today

    with app.app_context():
        commissioner = User(email="bench-commissioner@example.org", display_name="Bench",
                            role="commissioner", password_hash="!")
        db.session.add(commissioner)
        stream = budgets.create_funding_stream(name="Bench social care", kind="social_care")
        today = london_today()
        pairs = []
        for number in range(count):
            holder = User(email=f"bench-holder-{number}@example.org",
                          display_name=f"Reviewer {number}", role="holder", password_hash="!")
            db.session.add(holder)
            db.session.flush()
            allocation = budgets.allocate_budget(
                holder=holder, stream=stream, total_pence=500_000, period_start=today,
                period_end=today + timedelta(days=365), instalment_every_weeks=4,
                route="direct", managed_by=None, allocated_by=commissioner, today=today)
            pairs.append((holder.id, allocation.budgets[0].id))
        db.session.commit()
        db.session.remove()
    return pairs


def _service_choices(rng: random.Random, services: list[tuple], reviews: int) -> list[tuple]:
    """reviews service rows, FIRST_SERVICE exactly BUSY_SERVICE_REVIEWS times and the rest
    drawn with a long tail (weight 1/rank)."""
    busy = [row for row in services if row[0] == FIRST_SERVICE]
    others = [row for row in services if row[0] != FIRST_SERVICE]
    rng.shuffle(others)
    weights = [1 / rank for rank in range(1, len(others) + 1)]
    drawn = rng.choices(others, weights=weights, k=max(0, reviews - len(busy) * BUSY_SERVICE_REVIEWS))
    return busy * BUSY_SERVICE_REVIEWS + drawn


def generate_reviews(app, reviews: int = 500_000, seed: int = DEFAULT_SEED) -> dict:
    from marketplace.extensions import db
    from marketplace.orders.models import Order
    from marketplace.providers.models import Provider, Service
    from marketplace.reviews.models import Review
    from marketplace.reviews.rating import bayesian_centi_of

    started = time.perf_counter()
    rng = random.Random(seed)
    holders = _holders(app, HOLDERS)
    made_holders = time.perf_counter()
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            services = connection.execute(sa.select(
                Service.id, Service.provider_id, Service.price_pence, Service.price_unit,
                Service.title).where(Service.status == "active").order_by(Service.id)).all()
            next_order = (connection.scalar(sa.select(sa.func.max(Order.id))) or 0) + 1
        chosen = _service_choices(rng, services, reviews)
        with engine.connect() as connection:
            owners = dict(connection.execute(sa.select(Provider.id, Provider.owner_id)).all())
        reply_table = db.metadata.tables.get("review_replies")
        now = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
        stars_pool = list(STAR_WEIGHTS)
        helped_pool = list(HELPED_WEIGHTS)
        order_rows, review_rows, reply_rows = [], [], []
        for offset, (service_id, provider_id, price, unit, title) in enumerate(chosen):
            holder_id, budget_id = holders[offset % len(holders)]
            order_id = next_order + offset
            when = now - timedelta(minutes=offset)
            order_rows.append({
                "id": order_id, "holder_id": holder_id, "budget_id": budget_id,
                "service_id": service_id, "provider_id": provider_id, "route": "direct",
                "quantity": 1, "unit_price_pence": price, "price_unit": unit,
                "total_pence": price, "service_title": title, "starts_on": date(2026, 10, 1),
                "state": "confirmed", "placed_by_id": holder_id, "delivered_at": when,
                "created_at": when, "updated_at": when, "note_to_provider": "",
                "outcome_shared": False})
            stars = rng.choices(stars_pool, weights=list(STAR_WEIGHTS.values()))[0]
            text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            review_rows.append({
                "id": offset + 1, "order_id": order_id, "service_id": service_id,
                "provider_id": provider_id, "holder_id": holder_id, "written_by_id": holder_id,
                "stars": stars, "text": text,
                "helped": rng.choices(helped_pool, weights=list(HELPED_WEIGHTS.values()))[0],
                "shown_as": rng.choice(["name", "anonymous"]),
                "state": "published" if service_id == FIRST_SERVICE or rng.random() < 0.95
                else rng.choice(["held", "withdrawn", "rejected"]),
                "held_reasons": [], "created_at": when, "updated_at": when,
                "published_at": when})
            if reply_table is not None and service_id == FIRST_SERVICE and offset % 3 == 0:
                reply_rows.append({"review_id": offset + 1, "text": "Thank you for telling us.",
                                   **_reply_defaults(reply_table, provider_id,
                                                     owners[provider_id], when)})
        with engine.begin() as connection:
            for table, rows in ((Order.__table__, order_rows), (Review.__table__, review_rows),
                                (reply_table, reply_rows)):
                for start in range(0, len(rows), CHUNK_SIZE):
                    connection.execute(table.insert(), rows[start:start + CHUNK_SIZE])
            totals = connection.execute(sa.select(
                Review.service_id, sa.func.sum(Review.stars), sa.func.count(Review.id))
                .where(Review.state == "published").group_by(Review.service_id)).all()
            prior_count = app.config["REVIEW_PRIOR_COUNT"]
            prior_stars = app.config["REVIEW_PRIOR_STARS"]
            updates = [{"sid": service_id, "rating": bayesian_centi_of(
                int(total), count, prior_count=prior_count, prior_stars=prior_stars),
                "count": count} for service_id, total, count in totals]
            statement = (Service.__table__.update()
                         .where(Service.__table__.c.id == sa.bindparam("sid"))
                         .values(rating_centi=sa.bindparam("rating"),
                                 review_count=sa.bindparam("count")))
            for start in range(0, len(updates), CHUNK_SIZE):
                connection.execute(statement, updates[start:start + CHUNK_SIZE])
        db.session.remove()
    finished = time.perf_counter()
    return {"holders": len(holders), "orders": len(order_rows), "reviews": len(review_rows),
            "replies": len(reply_rows), "rated_services": len(updates),
            "holder_seconds": round(made_holders - started, 1),
            "insert_seconds": round(finished - made_holders, 1)}


def _reply_defaults(table, provider_id: int, owner_id: int, when: datetime) -> dict:
    """The reply columns this checkout's review_replies table has, filled plainly."""
    values = {"provider_id": provider_id, "written_by_id": owner_id, "state": "published",
              "created_at": when, "updated_at": when, "replied_at": when,
              "published_at": when, "held_reasons": []}
    return {name: value for name, value in values.items()
            if name in table.c and value is not None}


def main(argv: list[str] | None = None) -> None:
    from bench.search_latency import make_app_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--reviews", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    print(generate_reviews(make_app_for(args.database_url), args.reviews, args.seed))


if __name__ == "__main__":
    main()
