"""Writing a review through the pages: who may, when, what happens to the words, and what
anyone then reads on the service page."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.reviews.detectors import SAFEGUARDING_HELP
from marketplace.reviews.models import Review
from tests.factories import make_funded_budget, make_user
from tests.orders.pages import anonymous, browser, grant, text
from tests.reviews.market import delivered_order, outcome_for, review_form


def reviews():
    return db.session.scalars(sa.select(Review)).all()


def test_the_holder_reviews_a_confirmed_order_and_everyone_reads_it(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    assert "Review this" in text(sam.get(f"/orders/{order.id}"))
    assert "Review this" in text(sam.get("/orders"))

    form = sam.get(f"/orders/{order.id}/review")
    assert form.status_code == 200
    words = text(form)
    assert "How many stars would you give it?" in words
    assert "Did it help with what matters to you?" in words

    sent = sam.post(f"/orders/{order.id}/review", data=review_form(stars="5"))
    assert sent.status_code == 302
    assert "Your review now shows on the service's page" in text(sam.get(sent.location))

    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.8 out of 5 from 1 review" in page  # (5 x 3.5 + 5) / 6, the prior at work
    assert "100% of reviewers said it helped" in page
    assert "Sam Patel" in page and "Verified purchase through Pathways" in page
    assert "I took photos again for the first time in years" in page


def test_an_order_not_yet_confirmed_cannot_be_reviewed(app, market):
    order = delivered_order(market, confirm=False)
    sam = browser(app, market.sam)
    assert "Review this" not in text(sam.get(f"/orders/{order.id}"))
    assert sam.get(f"/orders/{order.id}/review").status_code == 404
    assert sam.post(f"/orders/{order.id}/review", data=review_form()).status_code == 404
    assert reviews() == []


def test_nobody_else_reviews_the_order(app, market):
    order = delivered_order(market)
    view_only = make_user("supporter", name="Viv Viewer")
    grant(market.sam, view_only, ["view"])
    for person in (market.other_holder, market.provider_owner, market.other_provider_owner,
                   market.commissioner, market.staff, view_only):
        other = browser(app, person)
        assert other.get(f"/orders/{order.id}/review").status_code == 404, person.role
        assert other.post(f"/orders/{order.id}/review", data=review_form()).status_code == 404
        assert other.post(f"/orders/{order.id}/review/withdraw").status_code == 404
    assert "Review this" not in text(browser(app, view_only).get(f"/orders/{order.id}"))
    assert anonymous(app).get(f"/orders/{order.id}/review").status_code == 302  # to log in
    assert reviews() == []


def test_a_supporter_with_the_plan_scope_writes_on_the_holders_behalf(app, market):
    order = delivered_order(market)
    planner = make_user("supporter", name="Pip Planner")
    grant(market.sam, planner, ["view", "plan"])
    pip = browser(app, planner)
    assert "You are writing on behalf of Sam Patel" in text(pip.get(f"/orders/{order.id}/review"))
    assert pip.post(f"/orders/{order.id}/review", data=review_form()).status_code == 302
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Sam Patel" in page and "written on their behalf by a supporter" in page
    assert "Pip Planner" not in page


def test_missing_and_wrong_answers_are_explained_beside_each_field(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    empty = sam.post(f"/orders/{order.id}/review", data={"shown_as": "name", "text": ""})
    assert empty.status_code == 400
    words = text(empty)
    assert "Choose from 1 to 5 stars" in words and "Choose yes, partly or no" in words
    assert "Write a few sentences about it" in words
    wrong = text(sam.post(f"/orders/{order.id}/review",
                          data=review_form(stars="6", helped="maybe", text="x" * 5001)))
    assert "Choose from 1 to 5 stars" in wrong and "Choose yes, partly or no" in wrong
    assert "Use 5000 characters or fewer" in wrong
    assert reviews() == []


def test_personal_data_holds_the_review_for_a_person_with_the_reason(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    sent = sam.post(f"/orders/{order.id}/review",
                    data=review_form(text="Lovely group. Ring me on 07700 900123 to join."))
    assert "waiting for a person to check it" in text(sam.get(sent.location))
    (review,) = reviews()
    assert review.state == "held"
    assert any("07700 900123" in reason for reason in review.held_reasons)
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Not yet rated" in page and "07700" not in page


def test_words_about_self_harm_show_where_to_get_help_at_once(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    sent = sam.post(f"/orders/{order.id}/review",
                    data=review_form(text="Some weeks I want to end my life, and the group helped."))
    assert sent.status_code == 200
    words = text(sent)
    assert "Getting help now" in words and SAFEGUARDING_HELP in words
    assert "Samaritans on 116 123" in words
    (review,) = reviews()
    assert review.state == "held"
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))


def test_one_and_two_star_reviews_wait_out_a_short_hold(app, market):
    # The hold itself, the provider's reply and the worker: tests/reviews/test_low_star_hold.py
    order = delivered_order(market)
    sam = browser(app, market.sam)
    sam.post(f"/orders/{order.id}/review", data=review_form(stars="2", helped="no",
                                                            text="It was often cancelled."))
    (review,) = reviews()
    assert review.state == "held" and review.held_reasons == [] and review.on_short_hold
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))


def test_script_and_html_in_a_review_are_shown_as_words(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    payload = '<script>alert("x")</script> <b onmouseover="steal()">great</b> group'
    sam.post(f"/orders/{order.id}/review", data=review_form(text=payload))
    html = anonymous(app).get(f"/services/{market.service.id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    (review,) = reviews()
    assert review.text == payload  # stored plain, escaped only on the way out


def test_an_anonymous_review_shows_no_name(app, market):
    order = delivered_order(market)
    browser(app, market.sam).post(f"/orders/{order.id}/review",
                                  data=review_form(shown_as="anonymous"))
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Anonymous" in page and "Sam Patel" not in page


def test_the_form_asks_about_the_outcome_in_the_persons_own_words(app, market):
    outcome = outcome_for(market.sam, "Get out of the house once a week")
    order = delivered_order(market, outcome=outcome)
    words = text(browser(app, market.sam).get(f"/orders/{order.id}/review"))
    assert "You said this was for: “Get out of the house once a week”" in words
    browser(app, market.sam).post(f"/orders/{order.id}/review", data=review_form())
    assert reviews()[0].outcome_id == outcome.id
    assert "Get out of the house" not in text(anonymous(app).get(f"/services/{market.service.id}"))


def test_a_provider_with_few_clients_may_guess_who_wrote_it(app, market):
    order = delivered_order(market)
    warning = "may guess who wrote a review, even an anonymous one"
    assert warning in text(browser(app, market.sam).get(f"/orders/{order.id}/review"))
    for number in range(3):
        holder = make_user("holder")
        delivered_order(market, holder, make_funded_budget(holder, amount_pence=10_000),
                        confirm=False)
    assert warning not in text(browser(app, market.sam).get(f"/orders/{order.id}/review"))


def test_one_review_per_order_which_its_author_edits_then_withdraws(app, market):
    order = delivered_order(market)
    sam = browser(app, market.sam)
    sam.post(f"/orders/{order.id}/review", data=review_form(stars="5"))
    form = text(sam.get(f"/orders/{order.id}/review"))
    assert "You can change it or withdraw it" in form
    sam.post(f"/orders/{order.id}/review", data=review_form(stars="3", text="Fine, on reflection."))
    (review,) = reviews()
    assert review.stars == 3
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.4 out of 5 from 1 review" in page and "Fine, on reflection." in page

    withdrawn = sam.post(f"/orders/{order.id}/review/withdraw")
    assert withdrawn.status_code == 302
    assert "Your review is withdrawn" in text(sam.get(withdrawn.location))
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "Not yet rated" in page and "Fine, on reflection." not in page
    again = sam.post(f"/orders/{order.id}/review", data=review_form(stars="5"))
    assert again.status_code == 409 and "cannot be changed" in text(again)
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))
