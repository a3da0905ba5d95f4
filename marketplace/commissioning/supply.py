"""Supply: active services counted by the areas they reach, kind of support and what they
offer, for the market map, equality and access, and the providers nearest to a gap.

Where a service counts, as the views always counted it:
- an authority it serves: one it lists, or the authority of a postcode district it lists;
- a postcode district it reaches: one it lists, or any district of an authority it lists;
- the region (area ""): it reaches at least one district.
Measures: services and their distinct providers, those running in the evening or at weekends,
and each language and specialism offered (once per time the listing names it).

The worker's market-summaries job writes these counts to supply_counts and supply_providers
(refresh_supply: only the rows that changed), and the views read them from there; before the
first refresh they are worked out from the listings on the spot, the same way.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from marketplace import areas
from marketplace.commissioning.summary_models import (SUPPLY, SummaryRefresh, SupplyCount,
                                                      SupplyProvider)
from marketplace.commissioning.summary_state import valid_state
from marketplace.extensions import db
from marketplace.providers.models import Service

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


def reached_districts(authorities: list[str] | None, districts: list[str] | None) -> list[str]:
    listed, served = set(districts or []), set(authorities or [])
    return [district for district, authority in areas.DISTRICT_TO_AUTHORITY.items()
            if district in listed or authority in served]


def supply_from_listings() -> Supply:
    """Every count, from the active services as they are now."""
    services: Counter[CountKey] = Counter()
    providers: defaultdict[CountKey, set[int]] = defaultdict(set)
    by_provider: Counter[ProviderKey] = Counter()
    rows = db.session.execute(sa.select(
        Service.provider_id, Service.category, Service.local_authorities,
        Service.postcode_districts, Service.languages, Service.specialisms, Service.evenings,
        Service.weekends).where(Service.status == "active")).all()
    for provider_id, category, authorities, districts, languages, specialisms, evenings, \
            weekends in rows:
        served = served_authorities(authorities, districts)
        reached = reached_districts(authorities, districts)
        offered = [("services", "")] + [("evenings", "")] * bool(evenings) \
            + [("weekends", "")] * bool(weekends) \
            + [("language", language) for language in languages or []] \
            + [("specialism", specialism) for specialism in specialisms or []]
        for area in [*served, *reached, *([""] if reached else [])]:
            for measure, value in offered:
                services[area, category, measure, value] += 1
            providers[area, category, "services", ""].add(provider_id)
        by_provider[provider_id, category, ""] += 1
        for authority in served:
            by_provider[provider_id, category, authority] += 1
    return Supply({key: (count, len(providers.get(key, ()))) for key, count in services.items()},
                  dict(by_provider))


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


def refresh_supply(now: datetime) -> int:
    """Bring the supply summary to the listings as they are now, changing only the rows that
    differ; returns how many changed. Harmless twice: the second run finds nothing to change."""
    state = db.session.execute(sa.select(SummaryRefresh).where(SummaryRefresh.name == SUPPLY)
                               .with_for_update()).scalar_one_or_none()
    supply = supply_from_listings()
    changed = _apply(SupplyCount, ("area", "category", "measure", "value"),
                     {key: {"services": s, "providers": p}
                      for key, (s, p) in supply.counts.items()})
    changed += _apply(SupplyProvider, ("provider_id", "category", "authority"),
                      {key: {"services": count} for key, count in supply.providers.items()})
    if state is None:
        db.session.add(SummaryRefresh(name=SUPPLY, refreshed_at=now, settings={}))
    else:
        state.refreshed_at, state.settings = now, {}
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
