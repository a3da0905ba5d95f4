"""Timestamps are stored as aware UTC: rows written before (naive UTC) keep their moment through
migration 0006 and read back aware, and a naive datetime is refused rather than guessed at."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import make_user
from tests.times.helpers import utc
from tests.database import app_on_empty_database


def test_a_stored_utc_time_survives_the_migration_and_reads_back_aware(
    migrated_database, tmp_path, monkeypatch
):
    # The session's own time zone is not UTC, so only an explicit conversion keeps the moment.
    monkeypatch.setenv("PGTZ", "America/New_York")
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, display_name, role, "
                "is_active_account, created_at) VALUES (1, 'ana@example.org', 'x', 'Ana', "
                "'holder', true, '2026-03-31 23:30:00')"
            ))
        upgrade()
        ana = db.session.get(User, 1)
        assert ana.created_at == utc(2026, 3, 31, 23, 30)
        assert ana.created_at.utcoffset() == timedelta(0)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                naive_left = connection.scalar(sa.text(
                    "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND data_type = 'timestamp without time zone'"))
                assert naive_left == 0
        db.session.remove()

        downgrade(revision="0005")
        with db.engine.connect() as connection:
            stored = connection.scalar(sa.text("SELECT created_at FROM users WHERE id = 1"))
        assert str(stored).startswith("2026-03-31 23:30:00")  # UTC wall time again
        db.engine.dispose()


def test_a_naive_datetime_is_refused_not_guessed(app):
    user = make_user("holder")
    user.created_at = datetime(2026, 3, 31, 23, 30)  # which clock? nobody can tell
    with pytest.raises(sa.exc.StatementError, match="has no time zone"):
        db.session.flush()
    db.session.rollback()


def test_times_come_back_aware_and_compare_as_moments(app):
    early, late = make_user("holder"), make_user("holder")
    # The same moment written in two zones is stored as one UTC value.
    early.created_at = utc(2026, 10, 25, 0, 30)  # 01:30 BST, the first 01:30 in London
    late.created_at = datetime.fromisoformat("2026-10-25T01:30:00+00:00")  # 01:30 GMT, the second
    db.session.commit()
    db.session.expire_all()
    newest_first = db.session.scalars(
        sa.select(User).where(User.id.in_([early.id, late.id])).order_by(User.created_at.desc())
    ).all()
    assert [u.id for u in newest_first] == [late.id, early.id]
    assert newest_first[0].created_at - newest_first[1].created_at == timedelta(hours=1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.created_at >= datetime.fromisoformat("2026-10-25T01:00:00+01:00"),
        User.created_at < datetime.fromisoformat("2026-10-25T01:00:00+00:00"))) == 1
