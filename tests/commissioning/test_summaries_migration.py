"""Migration 0026 upgrades a database with searches in it: the summaries start empty (the views
work live), the first refresh counts the past searches, specialism included; downgrading to
0025 removes the summaries and keeps the searches."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.commissioning.summary_models import SearchCountDaily
from marketplace.commissioning.summary_refresh import refresh_summaries
from marketplace.extensions import db
from tests.database import app_on_empty_database

SUMMARY_TABLES = {"market_summary_refreshes", "market_summary_days", "search_counts_daily",
                  "spend_daily", "supply_counts", "supply_providers"}


def test_past_searches_are_summarised_after_the_upgrade_and_kept_after_a_downgrade(
        migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0025")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO search_log_entries (query_text, filters, area, result_count, "
                "specialism, channel, created_at) VALUES ('veterans walking group', "
                "'{\"category\": \"peer-support\"}', 'bury', 0, 'veterans', 'web', "
                "'2026-11-01 10:00:00')"))
        upgrade()
        with db.engine.begin() as connection:
            assert SUMMARY_TABLES <= set(sa.inspect(connection).get_table_names())
            assert connection.execute(sa.text(
                "SELECT count(*) FROM search_counts_daily")).scalar() == 0
        refresh_summaries()
        db.session.commit()
        row = SearchCountDaily
        assert db.session.execute(sa.select(
            row.day, row.area, row.category, row.specialism, row.searches, row.zero_result)
        ).one() == (date(2026, 11, 1), "bury", "peer-support", "veterans", 1, 1)
        db.session.remove()
        downgrade(revision="0025")
        with db.engine.begin() as connection:
            assert not SUMMARY_TABLES & set(sa.inspect(connection).get_table_names())
            assert connection.execute(sa.text(
                "SELECT query_text, specialism FROM search_log_entries")).one() == (
                "veterans walking group", "veterans")
        db.engine.dispose()
