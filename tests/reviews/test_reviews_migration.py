"""Migration 0013 adds reviews to a database that already holds confirmed orders: they keep
everything, can be reviewed at once, and a review outside the rules is refused by the
database itself."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews import services as reviews
from marketplace.reviews.services import ReviewDetails
from tests.database import app_on_empty_database
from tests.orders.pages import Market
from tests.reviews.market import delivered_order


def test_0013_upgrades_a_database_with_orders_and_guards_its_reviews(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        market = Market()
        order_id = delivered_order(market).id
        db.session.remove()

        downgrade(revision="0012")  # the database as it was before reviews, rows and all
        with db.engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert "reviews" not in tables and "review_actions" not in tables
        upgrade()

        order = db.session.get(Order, order_id)
        assert (order.state, order.service_title) == ("confirmed", "Photography group")
        written = reviews.submit_review(order.holder, order,
                                        ReviewDetails(5, "yes", "Really good.", "anonymous"))
        db.session.commit()
        assert written.review.state == "published" and order.service.rating_centi == 375

        for column, value in (("stars", 6), ("helped", "maybe"), ("state", "lost"),
                              ("shown_as", "nickname"), ("text", "x" * 5001)):
            with pytest.raises(sa.exc.IntegrityError):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(f"UPDATE reviews SET {column} = :value"),
                                       {"value": value})
        with pytest.raises(sa.exc.IntegrityError):  # one review per order
            with db.engine.begin() as connection:
                connection.execute(sa.text(
                    "INSERT INTO reviews (order_id, service_id, provider_id, holder_id, "
                    "written_by_id, stars, helped, text, shown_as, state, held_reasons, "
                    "created_at, updated_at) SELECT order_id, service_id, provider_id, "
                    "holder_id, written_by_id, stars, helped, text, shown_as, state, "
                    "held_reasons, created_at, updated_at FROM reviews"))
        db.session.remove()
        db.engine.dispose()
