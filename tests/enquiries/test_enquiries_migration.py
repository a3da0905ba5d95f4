"""Migration 0016 adds enquiries to a database that already holds people, services and
reviews: they keep everything, a holder can ask a question at once, and the database itself
refuses an enquiry or message outside the rules."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.enquiries import services as enquiries
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews import services as reviews
from marketplace.reviews.services import ReviewDetails
from tests.database import app_on_empty_database
from tests.orders.pages import Market
from tests.reviews.market import delivered_order


def _refused(statement: str) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text(statement))


def test_0016_upgrades_a_database_with_data_and_guards_its_enquiries(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        market = Market()
        order = delivered_order(market)
        reviews.submit_review(order.holder, order, ReviewDetails(5, "yes", "Good.", "name"))
        db.session.commit()
        order_id, sam_id, service_id = order.id, market.sam.id, market.service.id
        db.session.remove()

        downgrade(revision="0016-1")  # the database as it was before enquiries, rows and all
        with db.engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert not {"enquiries", "enquiry_messages", "enquiry_reports"} & set(tables)
        upgrade()

        order = db.session.get(Order, order_id)
        assert order.state == "confirmed" and reviews.review_of(order_id).state == "published"
        posted, is_new = enquiries.start_enquiry(order.holder, service_id, sam_id, "Parking?")
        db.session.commit()
        assert is_new and posted.message.enquiry.holder_label == "A budget holder"

        for statement in (
                "UPDATE enquiries SET state = 'lost'",
                "UPDATE enquiries SET state = 'closed'",  # closed says who and when
                "UPDATE enquiries SET holder_label = ''",
                "UPDATE enquiry_messages SET text = ''",
                f"UPDATE enquiry_messages SET text = '{'x' * 2001}'",
                "UPDATE enquiry_messages SET side = 'moderator'",
                "UPDATE enquiry_messages SET author_id = 999999",
                # One open conversation per holder and service.
                "INSERT INTO enquiries (service_id, provider_id, holder_id, started_by_id, "
                "holder_label, state, created_at, last_message_at) SELECT service_id, "
                "provider_id, holder_id, started_by_id, holder_label, state, created_at, "
                "last_message_at FROM enquiries",
                "INSERT INTO enquiry_reports (message_id, reporter_id, reason, created_at) "
                "SELECT id, author_id, '', created_at FROM enquiry_messages"):
            _refused(statement)
        db.session.remove()
        db.engine.dispose()
