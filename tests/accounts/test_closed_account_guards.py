"""The database keeps the closure rules too (migration 0025), whatever the code does: a closed
row with a usable email, password, name or area is refused, and a closed account cannot be
reopened. Tried with raw SQL, on SQLite and PostgreSQL alike; and migration 0025 upgrades a
database that already has people, all of them open."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.times import utcnow
from tests.database import app_on_empty_database
from tests.factories import PASSWORD, make_user
from tests.orders.pages import browser

SCRUBBED = {"email": "closed-0123456789ab@closed.invalid", "password_hash": "!closed",
            "display_name": "Former member TEST", "is_active_account": False,
            "home_authority": "", "home_district": ""}


def _update(user_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.update(User.__table__).where(User.__table__.c.id == user_id)
                           .values(**values))


@pytest.mark.parametrize("left", [
    {"is_active_account": True},
    {"email": "sam@example.org"},
    {"password_hash": "pbkdf2:sha256:1000$salt$hash"},
    {"display_name": "Sam Patel"},
    {"home_authority": "salford"},
    {"home_district": "M6"},
])
def test_a_closed_row_with_anything_usable_left_is_refused(app, left):
    user = make_user("holder")
    with pytest.raises(sa.exc.DatabaseError, match="keeps no name, email, password or area"):
        _update(user.id, closed_at=utcnow(), **{**SCRUBBED, **left})
    _update(user.id, closed_at=utcnow(), **SCRUBBED)  # the whole set is accepted


def test_a_closed_account_cannot_be_reopened(app):
    user = make_user("holder")
    _update(user.id, closed_at=utcnow(), **SCRUBBED)
    with pytest.raises(sa.exc.DatabaseError, match="cannot be reopened"):
        _update(user.id, closed_at=None)
    with pytest.raises(sa.exc.DatabaseError, match="cannot be reopened"):
        _update(user.id, closed_at=utcnow())


def test_0025_upgrades_a_database_with_people_who_are_all_open(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path) as app:
        upgrade()
        holder_id = make_user("holder", name="Priya Shah").id
        db.session.remove()

        downgrade(revision="0024")  # as it was before 0025, rows and all
        with db.engine.begin() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("users")}
            assert "closed_at" not in columns
        upgrade()

        person = db.session.get(User, holder_id)
        assert person.display_name == "Priya Shah" and person.closed_at is None
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        assert browser(app, person).post("/account/close",
                                         data={"password": PASSWORD}).status_code == 302
        db.session.remove()
        assert db.session.get(User, holder_id).closed_at is not None
        db.session.remove()
        db.engine.dispose()
