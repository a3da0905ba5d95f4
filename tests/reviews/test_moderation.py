"""The moderators' queue: held reviews with their reasons, published or rejected by a
commissioner, each decision recorded; the author reads a rejection's reason."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewAction
from tests.factories import make_user
from tests.orders.pages import anonymous, browser, text
from tests.reviews.market import delivered_order, review_form


def held_review(app, market, **changes):
    order = delivered_order(market)
    browser(app, market.sam).post(f"/orders/{order.id}/review", data=review_form(**changes))
    review = db.session.scalars(sa.select(Review)).one()
    assert review.state == "held"
    return order, review


def test_a_moderator_reads_the_reasons_and_publishes(app, market):
    order, review = held_review(app, market, text="Great. Call me on 07700 900123.")
    moderator = browser(app, market.commissioner)
    queue = text(moderator.get("/moderation"))
    assert "Reviews waiting for a person (1)" in queue
    assert "A phone number: 07700 900123" in queue and "Great. Call me on 07700 900123." in queue
    done = moderator.post(f"/moderation/reviews/{review.id}/publish",
                          data={"reason": "A helpline number, fine to show"})
    assert done.status_code == 302
    assert "Nothing is waiting." in text(moderator.get(done.location))
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.6 out of 5 from 1 review" in page and "Call me on" in page
    (action,) = db.session.scalars(sa.select(ReviewAction)).all()
    assert (action.action, action.actor_id, action.reason) == (
        "publish", market.commissioner.id, "A helpline number, fine to show")
    assert action.created_at is not None


def test_a_rejection_needs_a_reason_which_the_author_reads(app, market):
    order, review = held_review(app, market, stars="1", helped="no",
                                text="Rubbish, avoid. Bea Bright never listened.")
    moderator = browser(app, market.commissioner)
    missing = moderator.post(f"/moderation/reviews/{review.id}/reject", data={"reason": " "})
    assert missing.status_code == 400
    assert "Say why, in words the author will read" in text(missing)
    rejected = moderator.post(f"/moderation/reviews/{review.id}/reject",
                              data={"reason": "Please say what went wrong, so others can judge."})
    assert rejected.status_code == 302
    again = moderator.post(f"/moderation/reviews/{review.id}/publish", data={"reason": ""})
    assert again.status_code == 409 and "no longer waiting" in text(again)
    mine = text(browser(app, market.sam).get(f"/orders/{order.id}/review"))
    assert "This review was not published." in mine
    assert "The moderator said: “Please say what went wrong, so others can judge.”" in mine
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))
    (action,) = db.session.scalars(sa.select(ReviewAction)).all()
    assert (action.action, action.actor_id) == ("reject", market.commissioner.id)


def test_only_moderators_see_the_queue_or_decide(app, market):
    order, review = held_review(app, market, stars="2")
    for person in (market.sam, market.provider_owner, market.staff, make_user("supporter")):
        other = browser(app, person)
        assert other.get("/moderation").status_code == 403, person.role
        assert other.post(f"/moderation/reviews/{review.id}/publish",
                          data={"reason": ""}).status_code == 403
    assert anonymous(app).get("/moderation").status_code == 302  # to log in
    assert db.session.get(Review, review.id).state == "held"
    assert db.session.scalars(sa.select(ReviewAction)).all() == []
