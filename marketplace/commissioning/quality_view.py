"""Outcomes and quality for commissioners (docs/quality-view.md): the share of purchases people
said helped, by kind of support and by provider; the rating by London month; what moderation
decided; and the "services to review" list, ranked by low helpfulness and falling ratings,
each with its evidence. True counts: the pages put them through disclosure control.

Reviews count in the period they were published, for services in the area and kind of support
filtered (a service is in an area it serves). Only published reviews count.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from marketplace import areas
from marketplace.commissioning.market_map import MarketQuery
from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from marketplace.reviews.models import Review, ReviewAction, ReviewReport
from marketplace.times import london_date, london_midnight


@dataclass
class Tally:
    """Published reviews of something, and how many said it helped."""
    reviews: int = 0
    helped: int = 0
    stars: int = 0

    def add(self, stars: int, helped: str) -> None:
        self.reviews += 1
        self.helped += helped == "yes"
        self.stars += stars


@dataclass(frozen=True)
class QualityView:
    by_category: dict[str, Tally]
    #: (the provider's id and name, its reviews), most reviews first.
    by_provider: list[tuple[ProviderName, Tally]]
    by_month: list[tuple[date, Tally]]
    #: Moderators' decisions on reviews in the period, by action.
    decisions: dict[str, int]
    #: Reports of reviews made in the period, by what became of them (open, kept, removed).
    reports: dict[str, int]


@dataclass
class Candidate:
    """A service on the "services to review" list and why it is there."""
    #: The listing once chosen (a ReviewedService while the list is worked out).
    service: Service
    whole: Tally = field(default_factory=Tally)
    recent: Tally = field(default_factory=Tally)
    earlier: Tally = field(default_factory=Tally)
    reasons: list[str] = field(default_factory=list)
    #: Reports of its reviews made in the period.
    reports: int = 0

    @property
    def helped_share(self) -> float:
        return self.whole.helped / self.whole.reviews if self.whole.reviews else 1.0


def _serves(service_areas: tuple[list, list], query: MarketQuery) -> bool:
    authorities, districts = service_areas
    served = set(authorities or []) | {areas.DISTRICT_TO_AUTHORITY.get(d) for d in districts or []}
    if query.district:
        return query.district in (districts or []) or \
            areas.DISTRICT_TO_AUTHORITY.get(query.district) in (authorities or [])
    return query.authority is None or query.authority in served


@dataclass(frozen=True)
class ReviewedService:
    """What the views read of a reviewed service (loading whole services cost most of the
    page at 100,000 services)."""
    id: int
    category: str
    provider_id: int
    provider_name: str


class ProviderName(NamedTuple):
    id: int
    name: str


def published_reviews(query: MarketQuery, since=None, service_id: int | None = None):
    """(review stars, helped, published_at, ReviewedService) rows in the period (or from
    `since`) and the filters; one service's only when service_id is given."""
    by_area = bool(query.authority or query.district)
    # Core rows (not the ORM's) and the services' areas only when an area filter needs them:
    # at 100,000 services both showed in the page's time.
    rows = db.session.connection().execute(
        sa.select(Review.stars, Review.helped, Review.published_at, Service.id,
                  Service.category, Service.provider_id, Provider.name,
                  *((Service.local_authorities, Service.postcode_districts) if by_area else ()))
        .join(Service, Service.id == Review.service_id)
        .join(Provider, Provider.id == Service.provider_id)
        .where(Review.state == "published",
               Review.published_at >= (since or query.since), Review.published_at < query.until,
               *([Service.category == query.category] if query.category else []),
               *([Service.id == service_id] if service_id else []))).all()
    services: dict[int, ReviewedService] = {}
    found = []
    for stars, helped, published_at, sid, category, provider_id, provider_name, *service_areas \
            in rows:
        if by_area and not _serves(service_areas, query):
            continue
        if sid not in services:
            services[sid] = ReviewedService(sid, category, provider_id, provider_name)
        found.append((stars, helped, published_at, services[sid]))
    return found


def _month_starts(query: MarketQuery) -> tuple[list[datetime], list[date]]:
    """The London months of the period, as (each month's first moment in UTC, its first day),
    so a review's month is found by comparing moments, not by converting each one to London
    time (at region size that conversion was most of the page)."""
    first = london_date(query.since).replace(day=1)
    moments, days = [], []
    while (start := london_midnight(first)) < query.until:
        moments.append(start)
        days.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return moments, days


def quality_view(query: MarketQuery) -> QualityView:
    by_category: dict[str, Tally] = defaultdict(Tally)
    by_provider: dict[ProviderName, Tally] = defaultdict(Tally)
    by_month: dict[date, Tally] = defaultdict(Tally)
    month_moments, month_days = _month_starts(query)
    for stars, helped, published_at, service in published_reviews(query):
        by_category[service.category].add(stars, helped)
        by_provider[ProviderName(service.provider_id, service.provider_name)].add(stars, helped)
        by_month[month_days[bisect_right(month_moments, published_at) - 1]].add(stars, helped)
    decisions = dict(db.session.execute(
        sa.select(ReviewAction.action, sa.func.count(ReviewAction.id))
        .where(ReviewAction.created_at >= query.since, ReviewAction.created_at < query.until)
        .group_by(ReviewAction.action)).all())
    reports = dict(db.session.execute(
        sa.select(ReviewReport.state, sa.func.count(ReviewReport.id))
        .where(ReviewReport.created_at >= query.since, ReviewReport.created_at < query.until)
        .group_by(ReviewReport.state)).all())
    return QualityView(
        reports=reports,
        by_category=dict(by_category),
        by_provider=sorted(by_provider.items(), key=lambda item: (-item[1].reviews, item[0].name)),
        by_month=sorted(by_month.items()), decisions=decisions)


def services_to_review(query: MarketQuery) -> list[Candidate]:
    """Services whose reviews in the period say they may not be helping, worst first.

    Low helpfulness: at least QUALITY_MIN_REVIEWS published reviews and fewer than
    QUALITY_LOW_HELPED_PERCENT of them said it helped. Falling rating: the mean stars of the
    last QUALITY_TREND_DAYS of the period is at least QUALITY_FALL_STARS below the mean of the
    same number of days before (at least two reviews in each). Reported: its reviews were
    reported QUALITY_MIN_REPORTS times or more in the period."""
    config = current_app.config
    days = config["QUALITY_TREND_DAYS"]
    split = query.until - timedelta(days=days)
    earliest = min(query.since, split - timedelta(days=days))
    candidates: dict[int, Candidate] = {}
    for stars, helped, published_at, service in published_reviews(query, since=earliest):
        candidate = candidates.setdefault(service.id, Candidate(service))
        if published_at >= query.since:
            candidate.whole.add(stars, helped)
        if published_at >= split:
            candidate.recent.add(stars, helped)
        elif published_at >= split - timedelta(days=days):
            candidate.earlier.add(stars, helped)
    listed = []
    reported = dict(db.session.execute(
        sa.select(Review.service_id, sa.func.count(ReviewReport.id))
        .join(Review, Review.id == ReviewReport.review_id)
        .where(ReviewReport.created_at >= query.since, ReviewReport.created_at < query.until)
        .group_by(Review.service_id)).all())
    for candidate in candidates.values():
        candidate.reports = reported.get(candidate.service.id, 0)
        whole, recent, earlier = candidate.whole, candidate.recent, candidate.earlier
        if whole.reviews >= config["QUALITY_MIN_REVIEWS"] and \
                100 * whole.helped < config["QUALITY_LOW_HELPED_PERCENT"] * whole.reviews:
            candidate.reasons.append("Few people said it helped")
        if recent.reviews >= 2 and earlier.reviews >= 2 and (
                earlier.stars * recent.reviews - recent.stars * earlier.reviews
                >= config["QUALITY_FALL_STARS"] * recent.reviews * earlier.reviews):
            candidate.reasons.append("Its rating is falling")
        if candidate.reports >= config["QUALITY_MIN_REPORTS"]:
            candidate.reasons.append("People reported its reviews")
        if candidate.reasons:
            listed.append(candidate)
    listings = {service.id: service for service in db.session.scalars(
        sa.select(Service).where(Service.id.in_([c.service.id for c in listed])))}
    for candidate in listed:
        candidate.service = listings[candidate.service.id]
    return sorted(listed, key=lambda c: (-len(c.reasons), c.helped_share, c.service.title,
                                         c.service.id))
