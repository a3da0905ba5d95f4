"""A service's rating: the Bayesian average of its published reviews (docs/reviews.md).

rating = (prior_count * prior_stars + sum of stars) / (prior_count + number of reviews)

REVIEW_PRIOR_COUNT imagined reviews at REVIEW_PRIOR_STARS are mixed in, so one 5-star review
does not outrank forty 4.8s. Only published reviews count: a held, rejected or withdrawn
review leaves the rating as if it never existed. No reviews at all is "Not yet rated" (None).
"""
from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.providers import services as providers
from marketplace.providers.models import Service
from marketplace.reviews.models import Review


def bayesian_centi(stars: list[int], *, prior_count: int, prior_stars: float) -> int | None:
    """The average times 100, rounded half up; None with no reviews."""
    return bayesian_centi_of(sum(stars), len(stars), prior_count=prior_count,
                             prior_stars=prior_stars)


def bayesian_centi_of(total_stars: int, count: int, *, prior_count: int,
                      prior_stars: float) -> int | None:
    """The same from the sum and number of the stars (as an SQL aggregate gives them)."""
    if not count:
        return None
    prior = Fraction(str(prior_stars)) * prior_count
    average = (prior + total_stars) / (prior_count + count)
    return int(average * 100 + Fraction(1, 2))


def rating_of(total_stars: int, count: int) -> int | None:
    """The Bayesian rating times 100 of `count` published reviews with these stars, with the
    prior as set (a provider's rating over all its services uses it too)."""
    return bayesian_centi_of(total_stars, count,
                             prior_count=current_app.config["REVIEW_PRIOR_COUNT"],
                             prior_stars=current_app.config["REVIEW_PRIOR_STARS"])


def published_stars(service_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Review.stars).where(
        Review.service_id == service_id, Review.state == "published")))


def refresh_rating(service_id: int) -> None:
    """Work the service's rating out again from its published reviews and store it."""
    stars = published_stars(service_id)
    rating = rating_of(sum(stars), len(stars))
    providers.set_rating(db.session.get(Service, service_id), rating, len(stars))
