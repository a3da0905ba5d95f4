"""Reporting a published review: anyone logged in, once each, with a reason; it keeps showing
(a provider's report alone never hides it) until a moderator keeps it (the reports dismissed)
or removes it (the author reads why); every decision recorded; a provider sees the reports on
its own services only."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewAction, ReviewReport
from tests.factories import make_user
from tests.orders.pages import anonymous, browser, text
from tests.reviews.people import told, written_review

REPORT = {"reason": "not_genuine", "words": "This person never came to the group."}


def test_a_providers_report_never_hides_a_review_and_a_moderator_keeps_it(app, market):
    review = written_review(app, market)
    bea = browser(app, market.provider_owner)
    assert "Report this review" in text(bea.get("/provider/reviews"))
    sent = bea.post(f"/reviews/{review.id}/report", data=REPORT)
    assert sent.status_code == 302
    assert "It keeps showing until they decide" in text(bea.get(sent.location))
    assert "I took photos again" in text(anonymous(app).get(f"/services/{market.service.id}"))
    page = text(bea.get("/provider/reviews"))
    assert ("It is not about this service, or not a genuine experience (your report): waiting "
            "for a moderator; the review keeps showing") in page
    (report,) = db.session.scalars(sa.select(ReviewReport)).all()
    assert report.by_provider and report.state == "open"

    moderator = browser(app, market.commissioner)
    queue = text(moderator.get("/moderation"))
    assert "Reported reviews (1)" in queue and "(from the provider)" in queue
    assert "“This person never came to the group.”" in queue
    kept = moderator.post(f"/moderation/reported/{review.id}/keep",
                          data={"reason": "They bought and confirmed it."})
    assert kept.status_code == 302
    assert "No reviews are reported." in text(moderator.get(kept.location))
    assert "a moderator kept the review" in text(bea.get("/provider/reviews"))
    assert db.session.get(Review, review.id).state == "published"
    (action,) = db.session.scalars(sa.select(ReviewAction)).all()
    assert (action.action, action.actor_id, action.reason) == (
        "keep", market.commissioner.id, "They bought and confirmed it.")
    again = moderator.post(f"/moderation/reported/{review.id}/keep", data={"reason": ""})
    assert again.status_code == 409 and "no longer waiting" in text(again)


def test_a_moderator_removes_a_reported_review_and_its_author_reads_why(app, market):
    review = written_review(app, market, stars="5")
    reader = make_user("holder")
    browser(app, reader).post(f"/reviews/{review.id}/report",
                              data={"reason": "abusive", "words": ""})
    moderator = browser(app, market.commissioner)
    missing = moderator.post(f"/moderation/reported/{review.id}/remove", data={"reason": " "})
    assert missing.status_code == 400 and "Say why, in words the author will read" in text(missing)
    assert db.session.get(Review, review.id).state == "published"
    moderator.post(f"/moderation/reported/{review.id}/remove",
                   data={"reason": "It describes another service."})
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))
    mine = text(browser(app, market.sam).get(f"/orders/{review.order_id}/review"))
    assert ("This review was removed after someone reported it. The moderator said: “It "
            "describes another service.”") in mine
    assert any("was removed after someone reported it" in m for m in told(market.sam))
    assert db.session.scalars(sa.select(ReviewReport.state)).all() == ["removed"]
    assert db.session.scalars(sa.select(ReviewAction.action)).all() == ["remove"]


def test_one_report_per_person_with_a_reason(app, market):
    review = written_review(app, market)
    reader = browser(app, make_user("holder"))
    form = reader.get(f"/reviews/{review.id}/report")
    assert "Why are you reporting this review?" in text(form)
    missing = reader.post(f"/reviews/{review.id}/report", data={"reason": "", "words": ""})
    assert missing.status_code == 400 and "Choose why you are reporting it" in text(missing)
    long = reader.post(f"/reviews/{review.id}/report",
                       data={"reason": "other", "words": "x" * 1001})
    assert long.status_code == 400 and "Use 1000 characters or fewer" in text(long)
    assert reader.post(f"/reviews/{review.id}/report", data=REPORT).status_code == 302
    twice = reader.post(f"/reviews/{review.id}/report", data=REPORT)
    assert twice.status_code == 409 and "You have already reported this review" in text(twice)
    assert len(db.session.scalars(sa.select(ReviewReport)).all()) == 1


def test_only_published_reviews_and_only_logged_in_people(app, market):
    held = written_review(app, market, text="Ring me on 07700 900123.")
    assert browser(app, market.other_holder).post(
        f"/reviews/{held.id}/report", data=REPORT).status_code == 404
    assert anonymous(app).get(f"/reviews/{held.id}/report").status_code == 302  # to log in
    assert db.session.scalars(sa.select(ReviewReport)).all() == []


def test_a_provider_sees_reports_only_on_its_own_services(app, market):
    review = written_review(app, market)
    browser(app, make_user("holder")).post(f"/reviews/{review.id}/report", data=REPORT)
    assert "waiting for a moderator" in text(browser(app, market.provider_owner).get(
        "/provider/reviews"))
    other = text(browser(app, market.other_provider_owner).get("/provider/reviews"))
    assert "waiting for a moderator" not in other and "never came" not in other
    for person in (market.sam, market.provider_owner, market.other_provider_owner):
        assert browser(app, person).get("/moderation").status_code == 403
        assert browser(app, person).post(f"/moderation/reported/{review.id}/remove",
                                         data={"reason": "x"}).status_code == 403
    assert db.session.get(Review, review.id).state == "published"
