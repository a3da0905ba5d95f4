"""Migration 0012 upgrades a database that already has people: everyone is kept, with no
area and no interests (nobody chose one before they could), and the account page says so."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.database import app_on_empty_database
from tests.factories import make_user


def test_0012_keeps_every_person_with_no_area_yet(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        holder = make_user("holder", name="Priya Shah")
        holder_id = holder.id
        db.session.remove()

        downgrade(revision="0011")  # the database as it was before 0012, rows and all
        with db.engine.begin() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("users")}
            assert "home_authority" not in columns
            assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
        upgrade()

        person = db.session.get(User, holder_id)
        assert person.display_name == "Priya Shah"
        assert (person.home_authority, person.home_district, person.interests) == ("", "", [])
        person.home_authority, person.interests = "salford", ["arts"]
        db.session.commit()
        db.session.remove()
        assert db.session.get(User, holder_id).interests == ["arts"]
        db.session.remove()
        db.engine.dispose()
