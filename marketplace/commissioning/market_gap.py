"""One gap of the market map opened up: what people searched for and did not find (the words
only, never who searched, with personal details taken out), the needs posted, and the
providers nearest to filling it. True counts, as in market_map."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import areas
from marketplace.commissioning.market_map import MarketQuery, searched_category
from marketplace.commissioning.supply import provider_services
from marketplace.extensions import db
from marketplace.needs.models import Need
from marketplace.providers.models import Provider
from marketplace.reviews.detectors import check, redacted
from marketplace.search.models import SearchLogEntry

NEAREST = 5


@dataclass(frozen=True)
class NeedSeen:
    words: str
    timing: str
    language: str
    budget_low_pence: int
    budget_high_pence: int
    answered: bool


@dataclass(frozen=True)
class NearProvider:
    provider: Provider
    #: Services in this category elsewhere, or in other categories here.
    services: int


@dataclass(frozen=True)
class GapDetail:
    category: str
    authority: str
    #: (words searched, how many times), most searched first.
    zero_result_queries: list[tuple[str, int]]
    needs: list[NeedSeen]
    same_category_elsewhere: list[NearProvider]
    other_categories_here: list[NearProvider]


def gap_detail(query: MarketQuery, category: str, authority: str) -> GapDetail:
    return GapDetail(category, authority, _zero_result_queries(query, category, authority),
                     _needs(query, category, authority), *_nearest(category, authority))


def _zero_result_queries(query: MarketQuery, category: str, authority: str):
    areas_searched = [query.district] if query.district else [
        authority, *areas.LOCAL_AUTHORITIES[authority][1]]
    rows = db.session.execute(
        sa.select(SearchLogEntry.query_text, sa.func.count())
        .where(SearchLogEntry.created_at >= query.since,
               SearchLogEntry.created_at < query.until,
               SearchLogEntry.result_count == 0, searched_category() == category,
               SearchLogEntry.area.in_(areas_searched))
        .group_by(SearchLogEntry.query_text)).all()
    counted: Counter[str] = Counter()
    for text, times in rows:
        words = _without_personal_details(text.strip())
        counted[words or "(no words: filters only)"] += times
    return counted.most_common()


def _needs(query: MarketQuery, category: str, authority: str) -> list[NeedSeen]:
    needs = db.session.scalars(sa.select(Need).where(
        Need.category == category, Need.local_authority == authority,
        Need.created_at >= query.since, Need.created_at < query.until,
        *([Need.postcode_district == query.district] if query.district else []))
        .order_by(Need.created_at.desc(), Need.id.desc())).all()
    return [NeedSeen(_without_personal_details(need.words), need.timing, need.language, need.budget_low_pence,
                     need.budget_high_pence, bool(need.quotes)) for need in needs]


def _without_personal_details(text: str) -> str:
    return redacted(text, check(text))


def _nearest(category: str, authority: str) -> tuple[list[NearProvider], list[NearProvider]]:
    """Providers who could fill it: those offering the category in other authorities, and
    those already working here in other categories; most services first."""
    elsewhere: Counter[int] = Counter()
    here: Counter[int] = Counter()
    in_kind: dict[int, int] = {}
    serving: dict[int, int] = {}
    for provider_id, service_category, served, services in provider_services(category,
                                                                             authority):
        if service_category == category:
            if served == "":
                in_kind[provider_id] = services
            elif served == authority:
                serving[provider_id] = services
        elif served == authority:
            here[provider_id] += services
    supplying = set(serving)
    for provider_id, services in in_kind.items():
        if services > serving.get(provider_id, 0):
            elsewhere[provider_id] = services - serving.get(provider_id, 0)
    # Listed once, where nearest (the same category first); not if already filling it.
    for provider_id in supplying | set(elsewhere):
        here.pop(provider_id, None)
    for provider_id in supplying:
        elsewhere.pop(provider_id, None)
    return _providers(elsewhere), _providers(here)


def _providers(counted: Counter[int]) -> list[NearProvider]:
    top = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:NEAREST]
    by_id = {p.id: p for p in db.session.scalars(
        sa.select(Provider).where(Provider.id.in_([pid for pid, _ in top])))}
    return [NearProvider(by_id[pid], count) for pid, count in top]
