"""The demo has reviews of several services with a spread of stars, some held for a person as
real ones would be (a phone number, low stars, and one safeguarding case in the queue), and
the demo holder's own delivered orders left for a visitor to review."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.reviews.models import Review
from tests.needs.test_demo_needs import _demo_login
from tests.orders.pages import anonymous, text
from tests.pools.helpers import assert_ledger_sound


def test_seeding_writes_reviews_some_published_and_some_held(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    reviews = db.session.scalars(sa.select(Review).order_by(Review.id)).all()
    assert len({review.service_id for review in reviews}) == 6
    assert {review.stars for review in reviews} == {1, 2, 3, 4, 5}
    held = [review for review in reviews if review.state == "held"]
    assert any("phone number" in " ".join(r.held_reasons).lower() for r in held)
    assert any("suicide" in " ".join(r.held_reasons).lower() for r in held)
    assert "waiting for a moderator" in result.output
    assert_ledger_sound()

    # A rated service shows its published reviews to anyone.
    rated = db.session.scalar(sa.select(Service).where(Service.review_count > 0)
                              .order_by(Service.id).limit(1))
    page = text(anonymous(app).get(f"/services/{rated.id}"))
    assert f"from {rated.review_count} review" in page
    assert "Verified purchase through Pathways" in page

    # The safeguarding case waits in the commissioner's queue.
    queue = text(_demo_login(app, "demo-commissioner@example.org").get("/moderation"))
    assert "gets me out of bed" in queue

    # Nothing of the demo holder's is reviewed yet.
    holder_reviews = db.session.scalar(sa.select(sa.func.count(Review.id)).join(
        Review.holder).where(sa.text("users.email = 'demo-holder@example.org'")))
    assert holder_reviews == 0
