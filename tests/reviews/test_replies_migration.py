"""Migration 0014 adds replies, reports and the short hold to a database that already holds
reviews and moderators' decisions: they keep everything, can be replied to and reported at
once, and a reply, report or action outside the rules is refused by the database itself."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.reviews import replies, reports
from marketplace.reviews.models import Review
from tests.database import app_on_empty_database
from tests.orders.pages import Market
from tests.reviews.market import delivered_order


def _refused(sql: str, **values) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text(sql), values)


def test_0014_upgrades_a_database_with_reviews_and_guards_replies_and_reports(
        migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        # The market is made with today's models, then the schema goes back to 0013 with its
        # rows: models of later migrations (a new users column) cannot run on 0013 itself.
        upgrade()
        market = Market()
        order = delivered_order(market)
        order_id, owner_id, commissioner_id = order.id, market.provider_owner.id, \
            market.commissioner.id
        reader_id = market.other_holder.id
        db.session.remove()
        downgrade(revision="0013")
        with db.engine.begin() as connection:  # a review and a decision, as 0013 stored them
            connection.execute(sa.text(
                "INSERT INTO reviews (order_id, service_id, provider_id, holder_id, "
                "written_by_id, stars, helped, text, shown_as, state, held_reasons, created_at, "
                "updated_at, published_at) SELECT id, service_id, provider_id, holder_id, "
                "holder_id, 4, 'yes', 'Good group.', 'name', 'published', '[]', created_at, "
                "created_at, created_at FROM orders WHERE id = :id"), {"id": order_id})
            connection.execute(sa.text(
                "INSERT INTO review_actions (review_id, actor_id, action, reason, created_at) "
                "SELECT id, :actor, 'publish', 'Fine', created_at FROM reviews"),
                {"actor": commissioner_id})

        upgrade()
        review = db.session.scalars(sa.select(Review)).one()
        assert (review.state, review.text, review.hold_until) == ("published", "Good group.", None)
        owner = db.session.get(type(review.holder), owner_id)
        reply = replies.reply_to(owner, review.id, "Thank you!")
        filed = reports.report(db.session.get(type(owner), reader_id), review.id, "other", "")
        db.session.commit()
        assert reply.state == "published" and filed.state == "open"

        _refused("UPDATE review_replies SET state = 'lost'")
        _refused("UPDATE review_replies SET text = ''")
        _refused("UPDATE review_replies SET text = :text", text="x" * 2001)
        _refused("UPDATE review_reports SET reason = 'boring'")
        _refused("UPDATE review_reports SET state = 'lost'")
        _refused("INSERT INTO review_replies (review_id, provider_id, written_by_id, text, state, "
                 "held_reasons, replied_at, updated_at) SELECT review_id, provider_id, "
                 "written_by_id, text, state, held_reasons, replied_at, updated_at "
                 "FROM review_replies")  # one reply per review
        _refused("INSERT INTO review_reports (review_id, reporter_id, by_provider, reason, words, "
                 "state, created_at) SELECT review_id, reporter_id, by_provider, reason, words, "
                 "state, created_at FROM review_reports")  # one report per person
        _refused("UPDATE review_actions SET action = 'shrug'")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE review_actions SET action = 'publish_reply'"))
        db.session.remove()

        downgrade(revision="0013")  # back, with the review and its old decisions kept
        with db.engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert "review_replies" not in tables and "review_reports" not in tables
            assert connection.execute(sa.text("SELECT count(*) FROM reviews")).scalar() == 1
        upgrade()
        db.session.remove()
        db.engine.dispose()
