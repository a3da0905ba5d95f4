"""The search service used by the /search page, the JSON API and the benchmarks.

search_services checks that this node's index has been built (SearchStartingUp, a 503,
if its worker is still building it: no request ever waits for a rebuild), expands the query with synonyms, asks the index for one page of ids, the total and facet counts over the
whole result set, loads those services from the database, offers a "did you mean" correction
when a typed word matches nothing and the corrected query finds results (under the current
filters or, failing that, anywhere), and shows the corrected query's results instead when
nothing matched every word typed and the correction does; words naming a filter value
("Urdu", "evenings") are read as filters first (query_words.py). It records an anonymous
search log row (search_log.py writes them in batches, outside the request's transaction).
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from marketplace import areas, vocabulary
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.providers.models import Service
from marketplace.search import index, query_words, search_log, synonyms, upkeep
from marketplace.search.types import FacetValue, SearchHit, SearchParams, SearchResults

SUMMARY_LENGTH = 200

_FLAG_LABELS = {
    "ulo": "User-led organisations only",
    "micro": "Micro-providers only",
    "evenings": "Evenings",
    "weekends": "Weekends",
    "poolable": "Can be bought together (pooled)",
    "free": "Free",
}

_CHOICE_FACETS = {
    "category": vocabulary.CATEGORIES,
    "area": areas.authority_choices(),
    "mode": vocabulary.DELIVERY_MODES,
    "language": vocabulary.LANGUAGES,
    "provider_type": vocabulary.PROVIDER_TYPES,
}


def search_services(
    params: SearchParams,
    *,
    channel: str = "web",
    page_size: int | None = None,
    log: bool = True,
) -> SearchResults:
    page_size = page_size or current_app.config["SEARCH_PAGE_SIZE"]
    upkeep.ensure_ready()
    text_params, applied = query_words.interpret(params)
    found, units = _find(text_params, page_size)
    if applied and not found.total:
        # The words read as filters left nothing ("peer support for young men": no young
        # men's group is filed under peer support): search them as words instead.
        literal = dataclasses.replace(params, exact=True)
        retry, retry_units = _find(literal, page_size)
        if retry.total:
            text_params, applied, found, units = literal, (), retry, retry_units
    suggestion = _derived(found, "suggestion", lambda: _suggestion(text_params, units))
    corrected = None
    if suggestion and not found.full_total and not params.exact:
        # Nothing matched every word, but the corrected spelling does here: show that.
        retry, _ = _find(dataclasses.replace(text_params, q=suggestion), page_size)
        if retry.full_total:
            found, corrected, suggestion = retry, suggestion, None
    results = SearchResults(
        params=params,
        hits=_load_hits(found.service_ids, found.generation),
        total=found.total,
        page=params.page,
        page_size=page_size,
        # Keyed by params too: the boxes ticked are the ones asked for, not the filter words.
        facets=_derived(found, ("facets", params),
                        lambda: _facets(params, found.facet_counts, found.total)),
        suggestion=suggestion,
        generation=found.generation,
        full_total=found.full_total,
        applied_words=applied,
        text=text_params.q,
        corrected=corrected,
    )
    if log:
        search_log.record_search(
            query_text=params.q, filters=params.filters(), area=params.area,
            result_count=found.total, channel=channel,
        )
    return results


def _find(params: SearchParams, page_size: int):
    units = tuple(synonyms.load(current_app.config.get("SYNONYMS_FILE")).expand(params.q))
    found = index.search(params, units, offset=(params.page - 1) * page_size, limit=page_size)
    return found, units


def _derived(found: index.IndexResult, name, work):
    """work(), computed once per cached index result (it depends only on that result, the
    parameters and the index generation, which are its cache key)."""
    if name not in found.derived:
        found.derived[name] = work()
    return found.derived[name]


#: Index directory -> SearchHits by service id, for one index generation: every change to
#: what a hit shows goes through the index log, whose application makes a new generation,
#: which empties the cache.
_hit_caches: dict[str, dict] = {}
_HIT_CACHE_SIZE = 20_000


def _load_hits(service_ids: list[int], generation: tuple[str, int]) -> list[SearchHit]:
    if not service_ids:
        return []
    cache = _hit_caches.get(generation[0])
    if cache is None or cache["generation"] != generation or len(cache["hits"]) > _HIT_CACHE_SIZE:
        # Replaced whole, never emptied in place: other threads keep a consistent one.
        cache = _hit_caches[generation[0]] = {"generation": generation, "hits": {}}
    hits = cache["hits"]
    missing = [i for i in service_ids if i not in hits]
    if missing:
        for service in db.session.scalars(
            sa.select(Service)
            .where(Service.id.in_(missing))
            .options(so.joinedload(Service.provider))
        ):
            hits[service.id] = _hit(service)
    # An id can be missing if the service was deleted after the index was read.
    return [hits[i] for i in service_ids if i in hits]


def _summary(text: str) -> str:
    flat = " ".join((text or "").split())
    if len(flat) <= SUMMARY_LENGTH:
        return flat
    return flat[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _hit(service: Service) -> SearchHit:
    provider = service.provider
    return SearchHit(
        service_id=service.id,
        title=service.title,
        summary=_summary(service.description),
        category=service.category,
        price_pence=service.price_pence,
        price_unit=service.price_unit,
        provider_id=provider.id,
        provider_name=provider.name,
        provider_type=provider.provider_type,
        is_user_led=provider.is_user_led,
        is_micro=provider.is_micro,
        local_authorities=list(service.local_authorities or []),
        postcode_districts=list(service.postcode_districts or []),
        delivery_modes=list(service.delivery_modes or []),
        languages=list(service.languages or []),
        evenings=service.evenings,
        weekends=service.weekends,
        poolable=service.poolable,
        rating_centi=service.rating_centi,
        review_count=service.review_count,
    )


def _facets(
    params: SearchParams, counts: dict[str, dict[str, int]], total: int
) -> dict[str, list[FacetValue]]:
    """Values with results, plus the selected one even when it has none, in vocabulary order."""
    facets: dict[str, list[FacetValue]] = {}
    for name, choices in _CHOICE_FACETS.items():
        selected = getattr(params, name)
        facets[name] = [
            FacetValue(value, label, counts[name].get(value, 0), value == selected)
            for value, label in choices
            if counts[name].get(value, 0) or value == selected
        ]
    if params.area and params.area not in areas.LOCAL_AUTHORITIES:
        # A postcode district was searched: show it, selected, with the current total.
        facets["area"].insert(0, FacetValue(params.area, params.area, total, True))
    facets["max_price"] = [
        FacetValue(
            _pounds_text(int(band)),
            f"Up to {format_pence(int(band))}",
            count,
            params.max_price_pence == int(band),
        )
        for band, count in counts["max_price"].items()
        if count or params.max_price_pence == int(band)
    ]
    if params.max_price_pence is not None and not any(v.selected for v in facets["max_price"]):
        facets["max_price"].append(
            FacetValue(
                _pounds_text(params.max_price_pence),
                f"Up to {format_pence(params.max_price_pence)}",
                total,
                True,
            )
        )
    facets["min_rating"] = [
        FacetValue(stars, f"{stars} stars or more", count, params.min_rating == int(stars))
        for stars, count in counts["min_rating"].items()
        if count or params.min_rating == int(stars)
    ]
    if params.min_rating == 5:
        facets["min_rating"].insert(0, FacetValue("5", "5 stars", total, True))
    for name, label in _FLAG_LABELS.items():
        facets[name] = [FacetValue("true", label, counts[name]["true"], getattr(params, name))]
    return facets


def _pounds_text(pence: int) -> str:
    """1000 -> '10', 1250 -> '12.50': the max_price query-string value."""
    pounds, rest = divmod(pence, 100)
    return f"{pounds}.{rest:02d}" if rest else str(pounds)


def _suggestion(params: SearchParams, units: tuple[synonyms.QueryUnit, ...]) -> str | None:
    if not units:
        return None
    misspelt = index.unmatched_words(units)
    if not misspelt:
        return None
    replacements = {}
    for word in misspelt:
        correction = index.correct_word(word)
        if correction:
            replacements[word] = correction
    if not replacements:
        return None
    corrected = " ".join(
        replacements.get(word, word) for word in synonyms.words_of(params.q)
    )
    corrected_units = tuple(
        synonyms.load(current_app.config.get("SYNONYMS_FILE")).expand(corrected)
    )
    # Offer it if something matches all its words under the current filters or, failing that, anywhere
    # (the no-results page also suggests widening the filters).
    for scope in (params, SearchParams(q=corrected)):
        if index.search(scope, corrected_units, offset=0, limit=0,
                        with_facets=False).full_total:
            return corrected
    return None
