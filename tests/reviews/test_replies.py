"""A provider's public reply to a review of its own service: once per review, editable, shown
under the review on the service page, checked like a review; its reply rate; and who may not."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.models import ReviewAction, ReviewReply
from tests.factories import make_funded_budget, make_user
from tests.orders.pages import anonymous, browser, text
from tests.reviews.people import reply_data, written_review


def replies():
    return db.session.scalars(sa.select(ReviewReply)).all()


def test_the_provider_replies_and_everyone_reads_it_under_the_review(app, market, clock):
    review = written_review(app, market, stars="4")
    bea = browser(app, market.provider_owner)
    page = text(bea.get("/provider/reviews"))
    assert "4 out of 5 for Photography group" in page
    assert "You have replied to 0 of your 1 published review (0%)" in page
    sent = bea.post(f"/provider/reviews/{review.id}/reply",
                    data=reply_data(review, "Thank you, Sam. See you next week!"))
    assert sent.status_code == 302
    page = text(bea.get(sent.location))
    assert "Your reply now shows under the review" in page
    assert "You have replied to 1 of your 1 published review (100%)" in page
    service = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Reply from Bright Days" in service and "Thank you, Sam. See you next week!" in service
    (reply,) = replies()
    first = reply.replied_at
    assert reply.state == "published" and first is not None

    later = first.replace(year=first.year + 1)
    clock.set(later)
    bea.post(f"/provider/reviews/{review.id}/reply", data=reply_data(review, "Thanks again."))
    (reply,) = replies()  # still one reply: edited, not a second
    assert reply.text == "Thanks again." and reply.replied_at == first
    service = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Thanks again." in service and "See you next week" not in service


def test_nobody_but_the_services_provider_replies(app, market):
    review = written_review(app, market)
    for person in (market.sam, market.commissioner, market.staff, make_user("supporter")):
        assert browser(app, person).get("/provider/reviews").status_code == 403, person.role
        assert browser(app, person).post(f"/provider/reviews/{review.id}/reply", data=reply_data(
            review, "Hello")).status_code == 403
    other = browser(app, market.other_provider_owner)
    assert "Photography group" not in text(other.get("/provider/reviews"))
    assert other.post(f"/provider/reviews/{review.id}/reply",
                      data=reply_data(review, "Not mine")).status_code == 404
    assert anonymous(app).get("/provider/reviews").status_code == 302  # to log in
    assert replies() == []


def test_a_review_held_for_a_moderator_is_not_shown_to_the_provider(app, market):
    review = written_review(app, market, text="Good. Ring me on 07700 900123.")
    bea = browser(app, market.provider_owner)
    assert "Ring me" not in text(bea.get("/provider/reviews"))
    assert bea.post(f"/provider/reviews/{review.id}/reply",
                    data=reply_data(review, "Thanks")).status_code == 404


def test_a_reply_is_plain_words_of_a_limited_length(app, market):
    review = written_review(app, market)
    bea = browser(app, market.provider_owner)
    empty = bea.post(f"/provider/reviews/{review.id}/reply", data=reply_data(review, "  "))
    assert empty.status_code == 400 and "Write your reply" in text(empty)
    long = bea.post(f"/provider/reviews/{review.id}/reply", data=reply_data(review, "x" * 2001))
    assert long.status_code == 400 and "Use 2000 characters or fewer" in text(long)
    assert replies() == []
    payload = '<script>alert("x")</script> thanks'
    bea.post(f"/provider/reviews/{review.id}/reply", data=reply_data(review, payload))
    html = anonymous(app).get(f"/services/{market.service.id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; thanks" in html
    assert replies()[0].text == payload


def test_a_reply_with_personal_data_waits_for_a_moderator(app, market):
    review = written_review(app, market)
    bea = browser(app, market.provider_owner)
    sent = bea.post(f"/provider/reviews/{review.id}/reply",
                    data=reply_data(review, "Sorry! Call me on 07700 900123."))
    assert "waiting for a person to check it" in text(bea.get(sent.location))
    assert "Call me" not in text(anonymous(app).get(f"/services/{market.service.id}"))
    (reply,) = replies()
    moderator = browser(app, market.commissioner)
    queue = text(moderator.get("/moderation"))
    assert "Replies waiting for a person (1)" in queue
    assert "A phone number: 07700 900123" in queue
    missing = moderator.post(f"/moderation/replies/{reply.id}/reject", data={"reason": ""})
    assert missing.status_code == 400
    assert "Say why, in words the provider will read" in text(missing)
    moderator.post(f"/moderation/replies/{reply.id}/reject",
                   data={"reason": "Please take your phone number out."})
    page = text(bea.get("/provider/reviews"))
    assert "it was not published. The moderator said: “Please take your phone number out.”" in page
    assert "You have replied to 0 of your 1" in page
    (action,) = db.session.scalars(sa.select(ReviewAction)).all()
    assert (action.action, action.actor_id) == ("reject_reply", market.commissioner.id)

    bea.post(f"/provider/reviews/{review.id}/reply", data=reply_data(review, "Sorry! Ask us."))
    assert "Sorry! Ask us." in text(anonymous(app).get(f"/services/{market.service.id}"))
    # The author's own page is unaffected by decisions on the reply.
    assert "not published" not in text(browser(app, market.sam).get(
        f"/orders/{review.order_id}/review"))


def test_the_reply_rate_counts_published_reviews_only(app, market):
    first = written_review(app, market, stars="5")
    holder = make_user("holder")
    written_review(app, market, holder, make_funded_budget(holder, amount_pence=10_000),
                   stars="4", text="Lovely. Email me at jo@example.com")  # held: not counted
    bea = browser(app, market.provider_owner)
    bea.post(f"/provider/reviews/{first.id}/reply", data=reply_data(first, "Thank you."))
    assert "You have replied to 1 of your 1 published review (100%)" in text(
        bea.get("/provider/reviews"))
