"""A service's rating: the Bayesian average of its published reviews, as the service page and
search show it."""
import pytest

from marketplace.extensions import db
from marketplace.reviews import services as reviews
from marketplace.reviews.rating import bayesian_centi
from marketplace.reviews.services import ReviewDetails
from tests.factories import make_funded_budget, make_service, make_user
from tests.orders.pages import anonymous, text
from tests.reviews.market import delivered_order
from tests.search.helpers import titles


def review(market, stars: int, *, service=None, words: str = "Good sessions, kind people."):
    holder = make_user("holder")
    order = delivered_order(market, holder, make_funded_budget(holder, amount_pence=10_000),
                            service=service)
    outcome = reviews.submit_review(holder, order, ReviewDetails(stars, "yes", words, "name"))
    db.session.commit()
    return order, outcome.review


def test_one_five_star_review_does_not_outrank_forty_averaging_four_point_eight():
    prior = {"prior_count": 5, "prior_stars": 3.5}
    assert bayesian_centi([], **prior) is None
    assert bayesian_centi([5], **prior) == 375  # (5 x 3.5 + 5) / 6
    forty = [5, 5, 5, 5, 4] * 8  # 4.8 on average
    assert bayesian_centi(forty, **prior) == 466  # (17.5 + 192) / 45 = 4.656
    assert bayesian_centi([5], prior_count=0, prior_stars=3.5) == 500


def test_the_service_page_shows_the_average_the_count_and_who_it_helped(app, market):
    assert "Not yet rated" in text(anonymous(app).get(f"/services/{market.service.id}"))
    review(market, 5)
    review(market, 4)
    holder = make_user("holder")
    order = delivered_order(market, holder, make_funded_budget(holder, amount_pence=10_000))
    reviews.submit_review(holder, order, ReviewDetails(3, "partly", "It was fine.", "name"))
    db.session.commit()
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.7 out of 5 from 3 reviews" in page  # (17.5 + 12) / 8 = 3.6875
    assert "67% of reviewers said it helped" in page


@pytest.mark.app_config(REVIEW_PRIOR_COUNT=0)
def test_the_prior_is_a_setting(app, market):
    review(market, 5)
    assert "5.0 out of 5 from 1 review" in text(anonymous(app).get(f"/services/{market.service.id}"))


def test_a_withdrawn_or_held_review_counts_as_if_it_never_existed(app, market):
    review(market, 5)
    order, published = review(market, 3)
    review(market, 1, words="Awful.")  # held for a person: not counted
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.6 out of 5 from 2 reviews" in page  # (17.5 + 8) / 7 = 3.64
    reviews.withdraw_review(order)
    db.session.commit()
    page = text(anonymous(app).get(f"/services/{market.service.id}"))
    assert "3.8 out of 5 from 1 review" in page and "Awful." not in page


def test_search_sorted_by_rating_follows_publication(app, market):
    other = make_service(market.bright, title="Walking group", price_pence=1_000,
                         category="arts")
    assert titles(sort="rating") == ["Walking group", "Photography group"]  # unrated: newest
    review(market, 4, service=market.service)
    assert titles(sort="rating") == ["Photography group", "Walking group"]
    assert titles(min_rating="3") == ["Photography group"]
    for _ in range(3):
        review(market, 5, service=other)
    assert titles(sort="rating") == ["Walking group", "Photography group"]


def test_a_providers_page_shows_its_rating_across_services_and_the_newest_reviews(app, market):
    provider = market.service.provider
    page = text(anonymous(app).get(f"/providers/{provider.id}"))
    assert f"Nobody has reviewed {provider.name} yet" in page
    other = make_service(provider, title="Evening walk")
    review(market, 5, words="Lovely group.")
    review(market, 3, service=other, words="<b>Too</b> far for me.")
    response = anonymous(app).get(f"/providers/{provider.id}")
    page = text(response)
    # (5 x 3.5 + 8) / 7 = 3.64: both services' reviews, one prior.
    assert "3.6 out of 5 across its services, from 2 reviews" in page
    assert "3 out of 5 for Evening walk" in page and "Lovely group." in page
    assert "&lt;b&gt;Too&lt;/b&gt; far for me." in response.get_data(as_text=True)
