"""Migration 0005 turns the outbox into the ordered index log without losing a queued entry:
each keeps its order (position = id), the head starts at the last one, and a node's upkeep
then applies them. Downgrading keeps them queued for the old code."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.search import upkeep
from marketplace.search.outbox import append_changes
from tests.database import app_on_empty_database


def test_queued_outbox_entries_become_log_entries_in_order(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for entry_id, service_id in ((3, 11), (7, 12), (9, 11)):
                connection.execute(sa.text(
                    "INSERT INTO index_outbox_entries (id, service_id, created_at) "
                    "VALUES (:id, :service, '2026-01-02 10:00:00')"
                ), {"id": entry_id, "service": service_id})
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT position, service_id FROM index_log_entries ORDER BY position"
            )).all() == [(3, 11), (7, 12), (9, 11)]
            assert connection.execute(sa.text(
                "SELECT position, pruned_through FROM index_log_head")).one() == (9, 0)
            append_changes(connection, [13])  # the next change goes after them
            assert connection.execute(sa.text(
                "SELECT max(position) FROM index_log_entries")).scalar() == 10
        # A node over the upgraded database builds its index and is current.
        assert upkeep.keep_current().rebuilt == 0
        assert upkeep.status().state == "current"
        db.session.remove()

        downgrade(revision="0004")
        with db.engine.begin() as connection:
            assert sorted(connection.execute(sa.text(
                "SELECT service_id FROM index_outbox_entries"
            )).scalars().all()) == [11, 11, 12, 13]
        db.engine.dispose()
