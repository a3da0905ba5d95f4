"""The published page on how reviews work: reachable from every page's footer and from the
review form, saying who may review, what is checked, what is never done, the law, and the
rating's prior as it is set."""
from __future__ import annotations

from tests.orders.pages import text


def test_the_reviews_policy_says_what_is_checked_and_what_is_never_done(app, client):
    app.config.update(REVIEW_PRIOR_COUNT=7, REVIEW_PRIOR_STARS=3.5)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/how-reviews-work"' in home
    page = client.get("/how-reviews-work")
    assert page.status_code == 200
    words = text(page)
    for said in ("Only a person who bought the support through Pathways",
                 "Words about harm", "never published or turned down by a computer",
                 "We never pay for reviews", "We never take a review down because a provider asks",
                 "Digital Markets, Competition and Consumers Act 2024",
                 "as if it already had 7 reviews of 3.5 stars",
                 "Samaritans free on 116 123"):
        assert said in words, said
