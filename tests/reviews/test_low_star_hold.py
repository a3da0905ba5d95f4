"""The short hold for 1 and 2 star reviews: with nothing else found, a low score waits
REVIEW_LOW_STARS_HOLD_DAYS London days while the provider is told and may reply, then the
worker publishes it once (however many workers run) and the rating counts it. A low score with
anything else found still waits for a moderator."""
from datetime import datetime


from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import run_due_jobs
from marketplace.reviews.models import Review
from marketplace.times import LONDON, UTC
from tests.orders.pages import anonymous, browser, text
from tests.reviews.people import emailed, reply_data, told, written_review

LOW = {"stars": "2", "helped": "no", "text": "Often cancelled at short notice."}


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def test_a_low_score_waits_for_the_providers_reply_then_shows_with_it(app, market, clock):
    clock.set(at(2027, 3, 1, 23, 30))
    review = written_review(app, market, **LOW)
    sam = browser(app, market.sam)
    mine = text(sam.get(f"/orders/{review.order_id}/review"))
    assert "Your review will show on the service's page on 3 March 2027" in mine
    assert "so the provider can reply first; their reply will show with your review" in mine
    assert review.state == "held" and review.hold_until == at(2027, 3, 3, 23, 30)
    assert "Reviews waiting for a person (0)" in text(
        browser(app, market.commissioner).get("/moderation"))
    assert "Often cancelled" not in text(anonymous(app).get(f"/services/{market.service.id}"))

    bea = market.provider_owner
    (message,) = [m for m in told(bea) if "out of 5" in m]
    assert "Someone gave Photography group 2 out of 5" in message
    assert "shows on the service's page on 3 March 2027. You can reply before then" in message
    assert "A low-score review: you can reply before it shows" in emailed(bea)
    provider = browser(app, bea)
    assert "you can reply before then" in text(provider.get("/provider/reviews"))
    provider.post(f"/provider/reviews/{review.id}/reply",
                  data=reply_data(review, "We are sorry. We now text everyone a day ahead."))
    assert "We now text" not in text(anonymous(app).get(f"/services/{market.service.id}"))

    registry = catalogue.load()
    clock.set(at(2027, 3, 3, 23, 0))  # not yet
    run_due_jobs("worker-a", registry)
    db.session.expire_all()
    assert db.session.get(Review, review.id).state == "held"
    clock.set(at(2027, 3, 4, 0, 30))
    run_due_jobs("worker-a", registry)
    run_due_jobs("worker-b", registry)
    db.session.expire_all()
    shown = db.session.get(Review, review.id)
    assert shown.state == "published" and shown.published_at == at(2027, 3, 4, 0, 30)
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.2 out of 5 from 1 review" in page  # (5 x 3.5 + 2) / 6
    assert "Often cancelled" in page and "We now text everyone a day ahead." in page
    assert [m for m in told(market.sam) if "now shows" in m] == [
        "Your review of Photography group now shows on the service's page."]
    assert emailed(market.sam).count("Your review now shows") == 1


def test_the_hold_lasts_the_days_set(app, market, clock):
    app.config["REVIEW_LOW_STARS_HOLD_DAYS"] = 5
    clock.set(at(2027, 6, 1, 9))
    review = written_review(app, market, stars="1", helped="no", text="Not for me.")
    assert review.hold_until == at(2027, 6, 6, 9)


def test_a_low_score_with_anything_found_still_waits_for_a_moderator(app, market):
    review = written_review(app, market, stars="1", helped="no",
                            text="Terrible. Ring me on 07700 900123 to hear why.")
    assert review.state == "held" and review.hold_until is None
    assert "Reviews waiting for a person (1)" in text(
        browser(app, market.commissioner).get("/moderation"))
    assert not [m for m in told(market.provider_owner) if "out of 5" in m]
    assert "Terrible" not in text(browser(app, market.provider_owner).get("/provider/reviews"))
    mine = text(browser(app, market.sam).get(f"/orders/{review.order_id}/review"))
    assert "waiting for a person to check it" in mine


def test_a_review_withdrawn_during_the_hold_is_not_published_by_the_worker(
        app, market, clock):
    clock.set(at(2027, 3, 1, 12))
    review = written_review(app, market, **LOW)
    sam = browser(app, market.sam)
    sam.post(f"/orders/{review.order_id}/review/withdraw")
    clock.set(at(2027, 3, 10, 12))
    run_due_jobs("worker-a", catalogue.load())
    db.session.expire_all()
    assert db.session.get(Review, review.id).state == "withdrawn"
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))
