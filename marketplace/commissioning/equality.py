"""Equality and access: what people asked for against what is offered (docs/spend-view.md).
True counts; equality_figures puts them through disclosure control.

In the period [since, until):
- languages: searches that used the language filter (the search log's filters['language'],
  set by the filter or by a word such as "Urdu"), and needs posted asking for a language,
  against active services offering it;
- specialisms: searches whose words asked for one (the search log's specialism, read from
  words such as "veterans" or "women only": search_log.asked_specialism), and needs posted
  saying who they are especially for, against active services offering each;
- evenings and weekends: searches with that filter and needs whose timing is evenings or
  weekends, against active services marked as running then;
- each postcode district, rural or urban (areas.RURAL_DISTRICTS): active services reaching it
  (listing it or its authority), searches for it, those that found nothing, and needs posted
  in it.
The area and category filters narrow everything as on the market map.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from marketplace import areas
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.market_map import _authority_of as authority_of
from marketplace.commissioning.search_counts import counted
from marketplace.commissioning.supply import current_supply
from marketplace.extensions import db
from marketplace.needs.models import Need

TIMINGS = [("evenings", "Evenings"), ("weekends", "Weekends")]


@dataclass
class Demand:
    searches: int = 0
    needs: int = 0
    services: int = 0

    @property
    def asked(self) -> int:
        return self.searches + self.needs


@dataclass
class District:
    district: str
    authority: str
    rural: bool
    services: int = 0
    searches: int = 0
    zero_result: int = 0
    needs: int = 0


@dataclass
class Equality:
    languages: dict[str, Demand] = field(default_factory=dict)
    specialisms: dict[str, Demand] = field(default_factory=dict)
    timings: dict[str, Demand] = field(default_factory=dict)
    districts: list[District] = field(default_factory=list)


def _districts_in_scope(query: MarketQuery) -> list[str]:
    if query.district:
        return [query.district]
    return [district for district, authority in areas.DISTRICT_TO_AUTHORITY.items()
            if not query.authority or authority == query.authority]


def equality(query: MarketQuery) -> Equality:
    found = Equality()
    in_scope = _districts_in_scope(query)
    districts = {d: District(d, areas.DISTRICT_TO_AUTHORITY[d], d in areas.RURAL_DISTRICTS)
                 for d in in_scope}

    def demand(table: dict[str, Demand], key: str) -> Demand:
        return table.setdefault(key, Demand())

    for area, _, _, _, services, _ in current_supply(area_in=in_scope, measures=("services",),
                                                     category=query.category):
        districts[area].services += services
    scope = query.district or query.authority or ""
    for _, _, measure, value, services, _ in current_supply(
            area_in=[scope], measures=("language", "specialism", *dict(TIMINGS)),
            category=query.category):
        if measure == "language":
            demand(found.languages, value).services += services
        elif measure == "specialism":
            demand(found.specialisms, value).services += services
        else:
            demand(found.timings, measure).services += services
    for language, specialism, evenings, weekends, area, searches, zero_result, _ in \
            _searches(query):
        if (query.authority or query.district) and not _area_matches(query, area):
            continue
        if language:
            demand(found.languages, language).searches += searches
        if specialism:
            demand(found.specialisms, specialism).searches += searches
        for key, asked in (("evenings", evenings), ("weekends", weekends)):
            if asked:
                demand(found.timings, key).searches += searches
        if area in districts:
            districts[area].searches += searches
            districts[area].zero_result += int(zero_result)
    for language, specialism, timing, district in _needs(query):
        if language:
            demand(found.languages, language).needs += 1
        if specialism:
            demand(found.specialisms, specialism).needs += 1
        if timing in dict(TIMINGS):
            demand(found.timings, timing).needs += 1
        if district in districts:
            districts[district].needs += 1
    found.districts = sorted(districts.values(), key=lambda d: (not d.rural, d.district))
    return found


def _area_matches(query: MarketQuery, area: str | None) -> bool:
    if query.district:
        return area == query.district
    return authority_of(area) == query.authority


def _searches(query: MarketQuery):
    """The period's searches counted by the filters this view reads and the area:
    (language, specialism, evenings, weekends, area, searches, of them found nothing, found a
    few)."""
    return counted(query.since, query.until, ["language", "specialism", "evenings", "weekends",
                                                "area"],
                   (lambda column: [column["category"] == query.category])
                   if query.category else None)


def _needs(query: MarketQuery):
    rows = db.session.execute(sa.select(Need.language, Need.specialism, Need.timing,
                                        Need.postcode_district, Need.local_authority)
                              .where(Need.created_at >= query.since,
                                     Need.created_at < query.until,
                                     *([Need.category == query.category]
                                       if query.category else []))).all()
    for language, specialism, timing, district, authority in rows:
        if query.district and district != query.district:
            continue
        if query.authority and authority != query.authority:
            continue
        yield language, specialism, timing, district
