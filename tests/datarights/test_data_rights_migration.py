"""Migration 0024 upgrades a database that already has people: they are all kept, nobody has
asked for a copy of their data yet or been looked at, and the new rules hold at once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.datarights import exports
from marketplace.datarights.models import DataExport
from marketplace.extensions import db
from tests.database import app_on_empty_database
from tests.factories import make_user

NEW_TABLES = {"data_exports", "data_export_files", "information_views"}


def test_0024_keeps_everyone_and_adds_the_data_rights_tables(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        holder = make_user("holder", name="Priya Shah")
        holder_id = holder.id
        db.session.remove()

        downgrade(revision="0023")  # the database as it was before 0024, rows and all
        with db.engine.begin() as connection:
            assert not NEW_TABLES & set(sa.inspect(connection).get_table_names())
            assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
        upgrade()

        with db.engine.begin() as connection:
            assert NEW_TABLES <= set(sa.inspect(connection).get_table_names())
            assert connection.execute(sa.text("SELECT count(*) FROM data_exports")).scalar() == 0
        person = db.session.get(type(holder), holder_id)
        exports.request_export(person)
        db.session.commit()
        db.session.add(DataExport(user_id=holder_id, status="preparing", sections_total=1))
        with pytest.raises(sa.exc.IntegrityError):  # one request in hand per person
            db.session.commit()
        db.session.rollback()
        with pytest.raises(sa.exc.IntegrityError):  # nobody "looks" at their own information
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO information_views (holder_id, viewer_id, viewer_relation, what,"
                    " channel, viewed_at) VALUES (:id, :id, 'supporter', 'plan', 'page',"
                    " CURRENT_TIMESTAMP)"), {"id": holder_id})
        db.session.remove()
        db.engine.dispose()
