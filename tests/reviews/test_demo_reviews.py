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


def holder_enquiry_link(client) -> str:
    from marketplace.enquiries.models import Enquiry

    enquiry = db.session.scalars(sa.select(Enquiry).join(Enquiry.holder).where(
        sa.text("users.email = 'demo-holder@example.org'"))).one()
    return f"/enquiries/{enquiry.id}"


def test_seeding_writes_reviews_some_published_and_some_held(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    reviews = db.session.scalars(sa.select(Review).order_by(Review.id)).all()
    assert len({review.service_id for review in reviews}) == 7
    assert {review.stars for review in reviews} == {1, 2, 3, 4, 5}
    held = [review for review in reviews if review.state == "held" and not review.on_short_hold]
    assert [review.stars for review in reviews if review.on_short_hold] == [2, 1]
    assert any("phone number" in " ".join(r.held_reasons).lower() for r in held)
    assert any("suicide" in " ".join(r.held_reasons).lower() for r in held)
    assert ("17 reviews of 7 services: 13 published, 2 waiting for a moderator, 2 on the short "
            "hold for 1 and 2 stars") in result.output
    assert "Moderator        demo-moderator@example.org" in result.output
    assert_ledger_sound()

    # A rated service shows its published reviews to anyone.
    rated = db.session.scalar(sa.select(Service).where(Service.review_count > 0)
                              .order_by(Service.id).limit(1))
    page = text(anonymous(app).get(f"/services/{rated.id}"))
    assert f"from {rated.review_count} review" in page
    assert "Verified purchase through Pathways" in page

    # The provider's replies show with the reviews.
    assert "Thank you for telling us about the room." in text(
        anonymous(app).get(f"/services/{reviews[0].service_id}"))

    # The safeguarding case waits in the queue, for the demo moderator too.
    for email in ("demo-commissioner@example.org", "demo-moderator@example.org"):
        assert "gets me out of bed" in text(_demo_login(app, email).get("/moderation"))

    # The commissioner sees the gaps and the poorly reviewed service.
    commissioner = _demo_login(app, "demo-commissioner@example.org")
    market = text(commissioner.get("/commissioning/market"))
    table = market[market.index("Every kind of support in every area"):]
    assert table.index("Personal assistance, Manchester") < table.index("Arts and creative")
    gap = text(commissioner.get("/commissioning/market/gap?gap_category=personal-assistance"
                                "&gap_area=manchester"))
    assert "urdu speaking personal assistant 15" in gap
    assert "An Urdu-speaking personal assistant for mornings" in gap
    assert "Few people said it helped" in text(commissioner.get("/commissioning/quality"))
    equality = text(commissioner.get("/commissioning/equality"))
    assert "WN6" in equality

    # Two enquiries: the demo holder's, answered by the demo provider.
    holder = _demo_login(app, "demo-holder@example.org")
    assert "the first visit is free" in text(holder.get(holder_enquiry_link(holder)))

    # Nothing of the demo holder's is reviewed yet.
    holder_reviews = db.session.scalar(sa.select(sa.func.count(Review.id)).join(
        Review.holder).where(sa.text("users.email = 'demo-holder@example.org'")))
    assert holder_reviews == 0
