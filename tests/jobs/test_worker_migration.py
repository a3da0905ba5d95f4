"""Migration 0004 upgrades a database that already holds email: every message gets its own
Message-ID and no tries yet, and the worker then delivers what the old in-request delivery
left queued or stuck "sending"."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.notifications.delivery import deliver_due_emails
from tests.database import app_on_empty_database


def test_the_worker_migration_keeps_emails_and_the_worker_delivers_the_waiting_ones(
        migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for number, status in enumerate(["queued", "sending", "captured"], start=1):
                connection.execute(sa.text(
                    "INSERT INTO email_messages (id, to_address, subject, body, created_at, "
                    "status) VALUES (:id, :to, 'Hello', 'Words.', '2026-01-02 10:00:00', "
                    ":status)"), {"id": number, "to": f"p{number}@example.org",
                                  "status": status})
        upgrade()
        with db.engine.begin() as connection:
            rows = connection.execute(sa.text(
                "SELECT id, status, attempts, message_id FROM email_messages ORDER BY id"
            )).all()
        assert [(row.status, row.attempts) for row in rows] == [
            ("queued", 0), ("sending", 0), ("captured", 0)]
        assert [row.message_id for row in rows] == [
            f"<pathways-email-{n}@pathways.invalid>" for n in (1, 2, 3)]

        assert deliver_due_emails("worker-1").captured == 2
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT status FROM email_messages ORDER BY id")).scalars().all() == [
                "captured", "captured", "captured"]
            # A second message cannot take an existing Message-ID.
            duplicate = sa.text(
                "INSERT INTO email_messages (to_address, subject, body, created_at, status, "
                "attempts, message_id) VALUES ('x@example.org', 'Hi', 'Words.', "
                "'2026-01-02 10:00:00', 'queued', 0, '<pathways-email-1@pathways.invalid>')")
        with pytest.raises(sa.exc.IntegrityError):
            with db.engine.begin() as connection:
                connection.execute(duplicate)

        downgrade(revision="0003")
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM email_messages")).scalar() == 3
        db.session.remove()
        db.engine.dispose()
