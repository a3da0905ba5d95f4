"""Migration 0028 upgrades a database that already has statements: drafts and published ones
are kept as they were, a statement may then be "being written" or "could not be written", and
a published one still needs its date; going back makes those drafts again."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from tests.database import app_on_empty_database
from tests.factories import make_user

INSERT = sa.text("INSERT INTO market_position_statements (title, period_start, period_end, "
                 "sections, state, created_by_id, created_at, updated_at, published_at) VALUES "
                 "(:title, :start, :end, '{}', :state, :by, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                 ":published)")


def _add(connection, state: str, by: int, published=None) -> None:
    connection.execute(INSERT, {"title": state, "start": date(2026, 9, 1),
                                "end": date(2026, 11, 30), "state": state, "by": by,
                                "published": published})


def _states(connection) -> list[str]:
    return sorted(connection.execute(sa.text(
        "SELECT state FROM market_position_statements")).scalars())


def test_0028_keeps_statements_and_allows_drafts_being_written(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        by = make_user("commissioner").id
        db.session.remove()

        downgrade(revision="0026")  # as it was before 0028, with statements in it
        with db.engine.begin() as connection:
            _add(connection, "draft", by)
            _add(connection, "published", by, published=date(2026, 12, 1))
        upgrade()

        with db.engine.begin() as connection:
            assert _states(connection) == ["draft", "published"]
            _add(connection, "preparing", by)
            _add(connection, "failed", by)
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            _add(connection, "published", by)  # a published statement still needs its date
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            _add(connection, "lost", by)

        downgrade(revision="0026")
        with db.engine.begin() as connection:
            assert _states(connection) == ["draft", "draft", "draft", "published"]
        upgrade()
        db.session.remove()
        db.engine.dispose()
