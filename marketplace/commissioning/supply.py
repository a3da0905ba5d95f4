"""Supply: active services counted by the areas they reach, kind of support and what they
offer, for the market map, equality and access, and the providers nearest to a gap.

Where a service counts, as the views always counted it:
- an authority it serves: one it lists, or the authority of a postcode district it lists;
- a postcode district it reaches: one it lists, or any district of an authority it lists;
- the region (area ""): it reaches at least one district.
Measures: services and their distinct providers, those running in the evening or at weekends,
and each language and specialism offered (once per time the listing names it).

The worker's market-summaries job writes these counts to supply_counts and supply_providers
(refresh_supply: only the rows that changed) whenever a listing changed since its last run (a
listing change always appends to the search index log, moving its head) and once every London
day regardless; the views read them from there. Before the first refresh they are worked out
from the listings on the spot, the same way.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from marketplace import areas
from marketplace.commissioning.summary_models import (SUPPLY, SummaryRefresh, SupplyCount,
                                                      SupplyProvider)
from marketplace.commissioning.summary_state import valid_state
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search.models import IndexLogHead
from marketplace.times import london_date

#: (area, category, measure, value)
CountKey = tuple[str, str, str, str]
#: (provider id, category, authority or "" for everywhere)
ProviderKey = tuple[int, str, str]


@dataclass(frozen=True)
class Supply:
    counts: dict[CountKey, tuple[int, int]]
    providers: dict[ProviderKey, int]


def served_authorities(authorities: list[str] | None, districts: list[str] | None) -> set[str]:
    return set(authorities or []) | {areas.DISTRICT_TO_AUTHORITY[d] for d in districts or []
                                     if d in areas.DISTRICT_TO_AUTHORITY}


@dataclass
class _Listings:
    """Services of one kind of support listing the same areas: how many, and what they offer."""
    offered: Counter = field(default_factory=Counter)
    providers: set[int] = field(default_factory=set)

    def add(self, provider_id: int, evenings: bool, weekends: bool, languages, specialisms):
        self.offered["services", ""] += 1
        self.offered["evenings", ""] += bool(evenings)
        self.offered["weekends", ""] += bool(weekends)
        for language in languages or []:
            self.offered["language", language] += 1
        for specialism in specialisms or []:
            self.offered["specialism", specialism] += 1
        self.providers.add(provider_id)


class _Tally:
    """Counts by area: (category, measure, value) -> services, and category -> providers."""

    def __init__(self):
        self.services: defaultdict[str, Counter] = defaultdict(Counter)
        self.providers: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set))

    def add(self, area: str, category: str, listings: _Listings) -> None:
        counter = self.services[area]
        for (measure, value), count in listings.offered.items():
            if count:
                counter[category, measure, value] += count
        self.providers[area][category] |= listings.providers



def _rows(name: str, *parts: tuple[_Tally, str]) -> dict[CountKey, tuple[int, int]]:
    """The counts of the parts' areas added up (the parts count different services) as area
    `name`; providers for the services measure only."""
    services: Counter = Counter()
    providers: defaultdict[str, set[int]] = defaultdict(set)
    for tally, area in parts:
        services.update(tally.services.get(area, {}))
        for category, found in tally.providers.get(area, {}).items():
            providers[category] |= found
    return {(name, category, measure, value):
            (count, len(providers[category]) if measure == "services" else 0)
            for (category, measure, value), count in services.items()}


def supply_from_listings() -> Supply:
    """Every count, from the active services as they are now.

    Services listing the same areas in the same kind of support are added up first. A district
    is reached by the services listing its authority and by those listing the district but not
    its authority: two disjoint sets, counted separately and added, so no service is walked
    once per district."""
    groups: defaultdict[tuple, _Listings] = defaultdict(_Listings)
    by_provider: Counter[ProviderKey] = Counter()
    served_by_areas: dict[tuple, set[str]] = {}
    for provider_id, category, authorities, districts, languages, specialisms, evenings, \
            weekends in db.session.execute(sa.select(
                Service.provider_id, Service.category, Service.local_authorities,
                Service.postcode_districts, Service.languages, Service.specialisms,
                Service.evenings, Service.weekends).where(Service.status == "active")):
        listed = (tuple(authorities or ()), tuple(districts or ()))
        groups[(category, *listed)].add(provider_id, evenings, weekends, languages, specialisms)
        if listed not in served_by_areas:
            served_by_areas[listed] = served_authorities(*listed)
        by_provider[provider_id, category, ""] += 1
        for authority in served_by_areas[listed]:
            by_provider[provider_id, category, authority] += 1
    served, region = _Tally(), _Tally()
    lists_authority, lists_district = _Tally(), _Tally()
    for (category, authorities, districts), listings in groups.items():
        for authority in served_by_areas[authorities, districts]:
            served.add(authority, category, listings)
        whole = {a for a in authorities if a in areas.LOCAL_AUTHORITIES}
        alone = {d for d in districts if d in areas.DISTRICT_TO_AUTHORITY
                 and areas.DISTRICT_TO_AUTHORITY[d] not in whole}
        for authority in whole:
            lists_authority.add(authority, category, listings)
        for district in alone:
            lists_district.add(district, category, listings)
        if whole or alone:
            region.add("", category, listings)
    counts = {}
    for authority in served.services:
        counts.update(_rows(authority, (served, authority)))
    counts.update(_rows("", (region, "")))
    for district, authority in areas.DISTRICT_TO_AUTHORITY.items():
        counts.update(_rows(district, (lists_authority, authority), (lists_district, district)))
    return Supply(counts, dict(by_provider))


def current_supply(*, area_in: list[str] | None = None, measures: tuple[str, ...] | None = None,
                   category: str | None = None) -> list[tuple[str, str, str, str, int, int]]:
    """(area, category, measure, value, services, providers) rows: from the summary once the
    worker has made it, else from the listings."""
    if valid_state(SUPPLY, {}) is not None:
        table = SupplyCount
        return [tuple(row) for row in db.session.execute(
            sa.select(table.area, table.category, table.measure, table.value, table.services,
                      table.providers)
            .where(*([table.area.in_(area_in)] if area_in is not None else []),
                   *([table.measure.in_(measures)] if measures else []),
                   *([table.category == category] if category else [])))]
    return [(*key, count, provider_count)
            for key, (count, provider_count) in supply_from_listings().counts.items()
            if (area_in is None or key[0] in area_in) and (not measures or key[2] in measures)
            and (not category or key[1] == category)]


def provider_services(category: str, authority: str) -> list[tuple[int, str, str, int]]:
    """(provider id, category, authority, services) rows in this category anywhere, or
    serving this authority in any category."""
    if valid_state(SUPPLY, {}) is not None:
        table = SupplyProvider
        return [tuple(row) for row in db.session.execute(
            sa.select(table.provider_id, table.category, table.authority, table.services)
            .where(sa.or_(table.category == category, table.authority == authority)))]
    return [(*key, count) for key, count in supply_from_listings().providers.items()
            if key[1] == category or key[2] == authority]


def refresh_supply(now: datetime) -> int | None:
    """Bring the supply summary to the listings as they are now, writing only the rows that
    differ; returns how many changed, or None when the listings are unchanged since the last
    refresh (the search index log's head has not moved) and today's full refresh is done.
    Harmless twice: the second run finds nothing to change."""
    state = db.session.execute(sa.select(SummaryRefresh).where(SummaryRefresh.name == SUPPLY)
                               .with_for_update()).scalar_one_or_none()
    # Read before the listings: a change committed after this moves the head past it.
    head = db.session.scalar(sa.select(IndexLogHead.position).where(IndexLogHead.id == 1)) or 0
    today = london_date(now)
    if state is not None and state.settings == {} and state.source_position == head \
            and state.fully_checked_on == today:
        state.refreshed_at = now
        db.session.flush()
        return None
    supply = supply_from_listings()
    changed = _apply(SupplyCount, ("area", "category", "measure", "value"),
                     {key: {"services": s, "providers": p}
                      for key, (s, p) in supply.counts.items()})
    changed += _apply(SupplyProvider, ("provider_id", "category", "authority"),
                      {key: {"services": count} for key, count in supply.providers.items()})
    if state is None:
        state = SummaryRefresh(name=SUPPLY, refreshed_at=now)
        db.session.add(state)
    state.refreshed_at, state.settings = now, {}
    state.source_position, state.fully_checked_on = head, today
    db.session.flush()
    return changed


def _apply(model, key_names: tuple[str, ...], wanted: dict[tuple, dict]) -> int:
    """Make the table hold exactly `wanted` ({key: values}), writing only the differences."""
    table = model.__table__
    value_names = list(next(iter(wanted.values()), {}).keys()) or \
        [c.name for c in table.columns if c.name not in key_names and c.name != "id"]
    keys = [table.c[name] for name in key_names]
    held = {tuple(row[:len(keys)]): dict(zip(value_names, row[len(keys):]))
            for row in db.session.execute(sa.select(*keys, *(table.c[n] for n in value_names)))}
    gone = [key for key, values in held.items() if wanted.get(key) != values]
    for start in range(0, len(gone), 500):
        db.session.execute(table.delete().where(sa.tuple_(*keys).in_(gone[start:start + 500])))
    new = [{**dict(zip(key_names, key)), **values} for key, values in wanted.items()
           if held.get(key) != values]
    for start in range(0, len(new), 5000):
        db.session.execute(table.insert(), new[start:start + 5000])
    return len(set(gone) | {key for key, values in wanted.items() if held.get(key) != values})
