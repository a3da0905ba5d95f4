"""The migrations upgrade a database that already holds data, without losing any of it."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from tests.database import app_on_empty_database, insert_ana_and_her_club


def test_the_money_migration_keeps_existing_people_and_listings(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            insert_ana_and_her_club(connection)
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT u.email, p.name FROM users u JOIN providers p ON p.owner_id = u.id"
            )).one() == ("ana@example.org", "Ana's Art Club")
            # The upgraded schema accepts the new role and the new tables.
            connection.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, display_name, role, "
                "is_active_account, created_at) VALUES (2, 'jo@example.org', 'x', 'Jo', "
                "'account_manager', true, '2026-01-02 10:00:00')"
            ))
            assert connection.execute(sa.text("SELECT count(*) FROM ledger_lines")).scalar() == 0
            # The older schema has no such role, so that account goes before going back.
            connection.execute(sa.text("DELETE FROM users WHERE id = 2"))
        downgrade(revision="0001")
        with db.engine.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM providers")).scalar() == 1
        db.engine.dispose()
