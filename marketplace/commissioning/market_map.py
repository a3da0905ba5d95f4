"""The market map: supply against live demand, by category and local authority, biggest gaps
first (docs/market-view.md). True counts: pages, CSV and API pass them through
commissioning.disclosure before anyone sees them.

Supply is what is listed now: active services by their primary category, in every authority
they serve (a service naming postcode districts serves their authority). Demand is what
happened in the period, half-open [since, until): searches that named both a category and an
area (the search log keeps no identity), those that found nothing or only a few services,
needs posted on the needs board and those no provider quoted for, and pools that expired
unfunded. A district filter narrows supply to services reaching that district, and demand to
searches for it and needs posted in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from marketplace import areas
from marketplace.commissioning.search_counts import counted, searched
from marketplace.commissioning.supply import current_supply
from marketplace.extensions import db
from marketplace.needs.models import Need, Quote
from marketplace.pools.models import Pool
from marketplace.providers.models import Service

#: The supply measures the market map shows, and the field of Gap each fills.
SUPPLY_MEASURES = {"services": "services", "evenings": "evening_services",
                   "weekends": "weekend_services"}


@dataclass(frozen=True)
class MarketQuery:
    since: datetime
    until: datetime
    authority: str | None = None
    district: str | None = None
    category: str | None = None


@dataclass
class Gap:
    """One category in one authority: what is offered against what people looked for."""
    category: str
    authority: str
    services: int = 0
    evening_services: int = 0
    weekend_services: int = 0
    searches: int = 0
    zero_result: int = 0
    few_result: int = 0
    needs: int = 0
    unanswered_needs: int = 0
    expired_pools: int = 0
    providers: int = 0

    @property
    def unmet(self) -> int:
        """Signs that people did not find what they needed: the gap's size."""
        return self.zero_result + self.few_result + self.unanswered_needs + self.expired_pools


@dataclass(frozen=True)
class MarketMap:
    gaps: list[Gap]
    #: Searches in the period that named no category or no area, so have no place here.
    unplaced_searches: int


def market_map(query: MarketQuery) -> MarketMap:
    gaps: dict[tuple[str, str], Gap] = {}

    def gap(category: str, authority: str) -> Gap:
        key = (category, authority)
        if key not in gaps:
            gaps[key] = Gap(category, authority)
        return gaps[key]

    _supply(query, gap)
    unplaced = _searches(query, gap)
    _needs(query, gap)
    _expired_pools(query, gap)
    ordered = sorted(gaps.values(), key=lambda g: (-g.unmet, g.services, g.category, g.authority))
    return MarketMap(ordered, unplaced)


def _in_scope(query: MarketQuery, authority: str) -> bool:
    wanted = query.authority or (areas.DISTRICT_TO_AUTHORITY.get(query.district)
                                 if query.district else None)
    return wanted is None or authority == wanted


def _supply(query: MarketQuery, gap) -> None:
    """Active services in every authority each serves (supply.py), or, with a district
    filter, those reaching the district, placed in its authority."""
    if query.district:
        wanted, placed = [query.district], areas.DISTRICT_TO_AUTHORITY[query.district]
    else:
        wanted, placed = ([query.authority] if query.authority else None), None
    for area, category, measure, _, services, providers in current_supply(
            area_in=wanted, measures=tuple(SUPPLY_MEASURES), category=query.category):
        if not area or (placed is None and area in areas.DISTRICT_TO_AUTHORITY):
            continue  # the region's and districts' counts: not cells of the map
        cell = gap(category, placed or area)
        setattr(cell, SUPPLY_MEASURES[measure], services)
        if measure == "services":
            cell.providers = providers


def _authority_of(area: str | None) -> str | None:
    if not area:
        return None
    return area if area in areas.LOCAL_AUTHORITIES else areas.DISTRICT_TO_AUTHORITY.get(area)


def searched_category():
    """The category filter of a logged search, read inside the database (JSON on SQLite and
    PostgreSQL alike), so the log is counted there, never loaded row by row."""
    return searched("category")


def _searches(query: MarketQuery, gap) -> int:
    unplaced = 0
    for searched_kind, area, searches, zero_result, few_result in counted(
            query.since, query.until, ["category", "area"]):
        authority = _authority_of(area)
        if not searched_kind or not authority:
            unplaced += searches
            continue
        if query.category and searched_kind != query.category:
            continue
        if query.district and area != query.district:
            continue
        if not _in_scope(query, authority):
            continue
        cell = gap(searched_kind, authority)
        cell.searches += searches
        cell.zero_result += int(zero_result)
        cell.few_result += int(few_result)
    return unplaced


def _needs(query: MarketQuery, gap) -> None:
    quoted = sa.select(Quote.id).where(Quote.need_id == Need.id).exists()
    rows = db.session.execute(sa.select(
        Need.category, Need.local_authority, Need.postcode_district, quoted)
        .where(Need.created_at >= query.since, Need.created_at < query.until,
               *([Need.category == query.category] if query.category else []))).all()
    for category, authority, district, has_quote in rows:
        if query.district and district != query.district:
            continue
        if not _in_scope(query, authority):
            continue
        cell = gap(category, authority)
        cell.needs += 1
        cell.unanswered_needs += not has_quote


def _expired_pools(query: MarketQuery, gap) -> None:
    rows = db.session.execute(sa.select(Service.category, Pool.local_authority)
                              .join(Service, Service.id == Pool.service_id)
                              .where(Pool.state == "expired", Pool.ended_at >= query.since,
                                     Pool.ended_at < query.until,
                                     *([Service.category == query.category]
                                       if query.category else []))).all()
    for category, authority in rows:
        # A pool is by authority only, so a district filter cannot place it.
        if authority and not query.district and _in_scope(query, authority):
            gap(category, authority).expired_pools += 1
