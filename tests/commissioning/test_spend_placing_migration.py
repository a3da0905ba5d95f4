"""Migration 0030 upgrades a database whose spending is summarised: the spend summary is
emptied (its rows lack the placing), the view works the same figures out live meanwhile, and
the worker's next run summarises every day again with each pound's placing and each budget's
total; going back to 0029 empties it the same way."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.commissioning import spend as spend_view
from marketplace.commissioning.summary_refresh import refresh_summaries
from marketplace.extensions import db
from marketplace.times import utcnow
from tests.commissioning.test_spend import PERIOD, build_known_spend
from tests.database import app_on_empty_database


def _count(connection, table: str) -> int:
    return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def _figures() -> tuple:
    budgets = spend_view.budgets_in_period(PERIOD)
    # The shares are added in another order once the totals are read: equal, to rounding.
    return (spend_view.spend(PERIOD), budgets.people, budgets.direct_payment_people,
            round(budgets.used_sum, 9), budgets.used_people)


def _refresh() -> None:
    refresh_summaries(now=utcnow() + timedelta(days=1))
    db.session.commit()


def test_0030_sets_the_spend_summary_aside_until_the_worker_places_every_day(
        migrated_database, tmp_path, clock):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        build_known_spend(clock)
        live = _figures()
        db.session.remove()
        downgrade(revision="0029")
        with db.engine.begin() as connection:  # a day summarised as 0029 did, unplaced
            connection.execute(sa.text(
                "INSERT INTO spend_daily (day, month, holder_id, budget_id, stream_id, "
                "service_id, provider_id, route, spent_pence, lines) SELECT '2026-11-20', "
                "'2026-11', o.holder_id, o.budget_id, b.stream_id, o.service_id, o.provider_id, "
                "o.route, 999, 1 FROM orders o JOIN budgets b ON b.id = o.budget_id "
                "ORDER BY o.id LIMIT 1"))
            connection.execute(sa.text("INSERT INTO market_summary_days (name, day, "
                                       "source_rows) VALUES ('spend', '2026-11-20', 1)"))

        upgrade()
        with db.engine.begin() as connection:
            assert _count(connection, "spend_daily") == 0
            assert _count(connection, "market_summary_days") == 0
            assert _count(connection, "spend_budget_totals") == 0
        assert _figures() == live  # worked out live meanwhile
        _refresh()
        with db.engine.begin() as connection:
            placed = connection.execute(sa.text(
                "SELECT DISTINCT category FROM spend_daily")).scalars().all()
            assert sorted(placed) == ["arts", "peer-support", "personal-assistance"]
            assert _count(connection, "spend_budget_totals") > 0
        assert _figures() == live
        db.session.remove()

        downgrade(revision="0029")
        with db.engine.begin() as connection:
            assert _count(connection, "spend_daily") == 0
            assert "spend_budget_totals" not in sa.inspect(connection).get_table_names()
        upgrade()
        db.session.remove()
        db.engine.dispose()
