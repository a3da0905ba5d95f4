"""Migration 0027 upgrades a database with searches, needs and outcomes in it: past rows ask
for no specialism and have no theme, and nothing else about them changes; downgrading keeps
the rows."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from tests.database import app_on_empty_database


def test_past_searches_needs_and_outcomes_keep_their_rows(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0021")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, display_name, role, "
                "is_active_account, created_at, home_authority, home_district, interests) "
                "VALUES (1, 'sam@example.org', 'x', 'Sam', 'holder', true, "
                "'2026-11-01 10:00:00', '', '', '[]')"))
            connection.execute(sa.text(
                "INSERT INTO support_plans (id, holder_id, about_me, updated_at) "
                "VALUES (1, 1, '', '2026-11-01 10:00:00')"))
            connection.execute(sa.text(
                "INSERT INTO outcomes (id, plan_id, text, created_at, retired) "
                "VALUES (1, 1, 'Walk every week', '2026-11-01 10:00:00', false)"))
            connection.execute(sa.text(
                "INSERT INTO search_log_entries (query_text, filters, area, result_count, "
                "channel, created_at) VALUES ('veterans', '{}', 'bury', 0, 'web', "
                "'2026-11-01 10:00:00')"))
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT text, theme FROM outcomes")).one() == ("Walk every week", "")
            assert connection.execute(sa.text(
                "SELECT query_text, specialism FROM search_log_entries")).one() == (
                "veterans", None)
            assert "specialism" in {c["name"] for c in sa.inspect(connection).get_columns("needs")}
        db.session.remove()
        downgrade(revision="0021")
        with db.engine.begin() as connection:
            assert connection.execute(sa.text("SELECT text FROM outcomes")).scalar() == \
                "Walk every week"
        db.engine.dispose()
