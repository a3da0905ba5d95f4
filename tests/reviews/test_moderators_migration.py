"""Migration 0015 upgrades a database that holds people, confirmed orders and a held review:
everything stays, a moderator can then be appointed and edit the review, and the database
itself refuses an unknown role or action and a second reminder for one order. Going back is
refused while moderator accounts exist (no older role fits them)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.reviews import moderators, redaction
from marketplace.reviews import services as reviews
from marketplace.reviews.models import Review
from marketplace.reviews.services import ReviewDetails
from tests.database import app_on_empty_database
from tests.orders.pages import Market
from tests.reviews.market import delivered_order

USER_COLUMNS = ("email, password_hash, display_name, role, is_active_account, created_at, "
                "home_authority, home_district, interests")


def _insert_user(connection, email: str, role: str) -> None:
    connection.execute(sa.text(
        f"INSERT INTO users ({USER_COLUMNS}) VALUES (:email, 'x', 'Someone', :role, true, "
        "'2026-12-01 10:00:00', '', '', '[]')"), {"email": email, "role": role})


def test_0015_upgrades_a_database_with_reviews_and_guards_the_new_rules(migrated_database,
                                                                        tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        market = Market()
        order = delivered_order(market)
        written = reviews.submit_review(order.holder, order, ReviewDetails(
            4, "yes", "Good. Ring 07700 900123.", "name"))
        db.session.commit()
        order_id, review_id, commissioner_id = order.id, written.review.id, market.commissioner.id
        assert written.review.state == "held"
        users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
        db.session.remove()

        downgrade(revision="0014")  # as it was before 0015, rows and all
        with db.engine.begin() as connection:
            assert "review_reminders" not in sa.inspect(connection).get_table_names()
        with pytest.raises(sa.exc.IntegrityError):  # 0013 knows no moderators
            with db.engine.begin() as connection:
                _insert_user(connection, "early@example.org", "moderator")
        upgrade()

        assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before
        review = db.session.get(Review, review_id)
        assert (review.state, review.text, review.order_id) == (
            "held", "Good. Ring 07700 900123.", order_id)
        commissioner = db.session.get(User, commissioner_id)
        rae = moderators.appoint(commissioner, email="rae@example.org", display_name="Rae")
        redaction.edit_and_publish(rae, review_id, "Good. Ring the provider.",
                                   "We removed a phone number")
        db.session.commit()
        assert db.session.get(Review, review_id).state == "published"

        for statement in (
            "UPDATE users SET role = 'superuser' WHERE email = 'rae@example.org'",
            "UPDATE review_actions SET action = 'delete'",
            f"INSERT INTO review_reminders (order_id, sent_at) VALUES ({order_id}, "
            "'2026-12-02 10:00:00'), "
            f"({order_id}, '2026-12-03 10:00:00')",
            "INSERT INTO review_reminders (order_id, sent_at) VALUES (999999, "
            "'2026-12-02 10:00:00')",  # no such order
        ):
            with pytest.raises(sa.exc.IntegrityError):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(statement))
        db.session.remove()

        with pytest.raises(SystemExit):  # flask_migrate logs the reason and exits
            downgrade(revision="0014")
        with db.engine.begin() as connection:  # refused before changing anything
            assert "review_reminders" in sa.inspect(connection).get_table_names()
            assert connection.execute(sa.text(
                "SELECT role FROM users WHERE email = 'rae@example.org'")).scalar() == "moderator"
        db.session.remove()
        db.engine.dispose()
