"""Migration 0023 upgrades a database that already has people: every existing account counts
as confirmed (they are in use), as of the day it was made; accounts made afterwards do not."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.database import app_on_empty_database
from tests.factories import make_user


def test_0023_counts_every_existing_account_as_confirmed(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        holder = make_user("holder", name="Priya Shah", verified=False)
        holder_id, made_at = holder.id, holder.created_at
        db.session.remove()

        downgrade(revision="0027")  # the database as it was before 0023, rows and all
        with db.engine.begin() as connection:
            inspector = sa.inspect(connection)
            assert "email_verified_at" not in {c["name"] for c in inspector.get_columns("users")}
            assert "email_links" not in inspector.get_table_names()
            assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
        upgrade()

        person = db.session.get(User, holder_id)
        assert person.display_name == "Priya Shah"
        assert person.email_verified and person.email_verified_at == made_at
        db.session.remove()
        newcomer = make_user("holder", verified=False)
        assert not newcomer.email_verified
        db.session.remove()
        db.engine.dispose()
