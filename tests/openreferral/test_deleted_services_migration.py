"""Migration 0022 adds the feed's notes of deleted services to a database that has data."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from tests.database import app_on_empty_database, insert_ana_and_her_club


def test_the_notes_table_arrives_and_goes_without_touching_services(migrated_database,
                                                                    tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0021")
        with db.engine.begin() as connection:
            insert_ana_and_her_club(connection)
        upgrade(revision="0022")
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO deleted_services (service_id, deleted_at) "
                                       "VALUES (41, '2026-12-01 10:00:00')"))
            assert connection.execute(sa.text("SELECT name FROM providers")).scalar() == (
                "Ana's Art Club")
        downgrade(revision="0021")
        with db.engine.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM providers")).scalar() == 1
            assert "deleted_services" not in sa.inspect(connection).get_table_names()
        db.engine.dispose()
