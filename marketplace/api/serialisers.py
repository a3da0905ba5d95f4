"""The public shape of services, providers and search results: written once, used by the JSON
API and by the /search page, so both always say the same thing. Each whole body is built
through its model in api/models.py, which the OpenAPI document describes.

Invariants: money leaves as integer pence in fields named *_pence, always beside a display
string; every stable vocabulary value leaves beside its plain-English label as
{"value", "label"}; nothing private (owner account, status of paused services) is exposed.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for

from marketplace import areas, times, vocabulary
from marketplace.api import models
from marketplace.money import format_pence
from marketplace.search.types import FacetValue, SearchHit, SearchResults

#: (code, label, plain-English explanation shown beside it)
BADGES: list[tuple[str, str, str]] = [
    ("ulo", "User-led organisation",
     "Run by the people who use its services: they hold most of the seats on the board."),
    ("micro", "Micro-provider",
     f"A small local provider with {vocabulary.MICRO_PROVIDER_SIZE}."),
    ("pool", "Can be pooled",
     "People with personal budgets can club together to pay for this group."),
]
BADGE_EXPLANATIONS = {code: explanation for code, _, explanation in BADGES}


def choice(choices: list[tuple[str, str]], value: str) -> dict[str, str]:
    return {"value": value, "label": vocabulary.label(choices, value)}


def area_choices(local_authorities: list[str], postcode_districts: list[str]) -> list[dict]:
    return [{"value": value, "label": areas.area_label(value)}
            for value in [*local_authorities, *postcode_districts]]


def price_display(price_pence: int, price_unit: str) -> str:
    return f"{format_pence(price_pence)} {vocabulary.label(vocabulary.PRICE_UNITS, price_unit)}"


def rating_display(rating_centi: int | None, review_count: int) -> str:
    if rating_centi is None or not review_count:
        return "Not yet rated"
    reviews = "review" if review_count == 1 else "reviews"
    return f"{rating_centi / 100:.1f} out of 5 ({review_count} {reviews})"


def badges(*, is_user_led: bool, is_micro: bool, poolable: bool) -> list[dict[str, str]]:
    present = {"ulo": is_user_led, "micro": is_micro, "pool": poolable}
    return [{"code": code, "label": label} for code, label, _ in BADGES if present[code]]


def provider_summary(*, provider_id: int, name: str, provider_type: str, is_user_led: bool,
                     is_micro: bool) -> dict[str, Any]:
    return {
        "id": provider_id,
        "name": name,
        "provider_type": choice(vocabulary.PROVIDER_TYPES, provider_type),
        "is_user_led": is_user_led,
        "is_micro": is_micro,
        "url": url_for("providers.provider_detail", provider_id=provider_id, _external=True),
        "api_url": url_for("api.provider", provider_id=provider_id, _external=True),
    }


def _service_fields(*, service_id: int, title: str, summary: str, category: str,
                    price_pence: int, price_unit: str, local_authorities: list[str],
                    postcode_districts: list[str], delivery_modes: list[str],
                    languages: list[str], evenings: bool, weekends: bool, poolable: bool,
                    rating_centi: int | None, review_count: int,
                    provider: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": service_id,
        "title": title,
        "summary": summary,
        "url": url_for("providers.service_detail", service_id=service_id, _external=True),
        "api_url": url_for("api.service", service_id=service_id, _external=True),
        "category": choice(vocabulary.CATEGORIES, category),
        "price_pence": price_pence,
        "price_unit": choice(vocabulary.PRICE_UNITS, price_unit),
        "price_display": price_display(price_pence, price_unit),
        "areas": area_choices(local_authorities, postcode_districts),
        "delivery_modes": [choice(vocabulary.DELIVERY_MODES, mode) for mode in delivery_modes],
        "languages": [choice(vocabulary.LANGUAGES, language) for language in languages],
        "evenings": evenings,
        "weekends": weekends,
        "poolable": poolable,
        "rating_centi": rating_centi,
        "review_count": review_count,
        "rating_display": rating_display(rating_centi, review_count),
        "badges": badges(is_user_led=provider["is_user_led"], is_micro=provider["is_micro"],
                         poolable=poolable),
        "provider": provider,
    }


def hit_summary(hit: SearchHit) -> dict[str, Any]:
    """One search result."""
    return models.ServiceSummary(**_service_fields(
        service_id=hit.service_id, title=hit.title, summary=hit.summary, category=hit.category,
        price_pence=hit.price_pence, price_unit=hit.price_unit,
        local_authorities=hit.local_authorities, postcode_districts=hit.postcode_districts,
        delivery_modes=hit.delivery_modes, languages=hit.languages, evenings=hit.evenings,
        weekends=hit.weekends, poolable=hit.poolable, rating_centi=hit.rating_centi,
        review_count=hit.review_count,
        provider=provider_summary(
            provider_id=hit.provider_id, name=hit.provider_name,
            provider_type=hit.provider_type, is_user_led=hit.is_user_led, is_micro=hit.is_micro,
        ),
    )).as_json()


SUMMARY_LENGTH = 200


def summarise(text: str) -> str:
    """The start of a description, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def _provider_of(service) -> dict[str, Any]:
    provider = service.provider
    return provider_summary(provider_id=provider.id, name=provider.name,
                            provider_type=provider.provider_type,
                            is_user_led=provider.is_user_led, is_micro=provider.is_micro)


def service_summary(service) -> dict[str, Any]:
    """A service read from the database, in the same shape as a search result."""
    return models.ServiceSummary(**_service_summary_fields(service)).as_json()


def _service_summary_fields(service) -> dict[str, Any]:
    return _service_fields(
        service_id=service.id, title=service.title, summary=summarise(service.description),
        category=service.category, price_pence=service.price_pence,
        price_unit=service.price_unit, local_authorities=list(service.local_authorities or []),
        postcode_districts=list(service.postcode_districts or []),
        delivery_modes=list(service.delivery_modes or []),
        languages=list(service.languages or []), evenings=service.evenings,
        weekends=service.weekends, poolable=service.poolable,
        rating_centi=service.rating_centi, review_count=service.review_count or 0,
        provider=_provider_of(service),
    )


def service_detail(service) -> dict[str, Any]:
    """Everything public about one active service."""
    body = _service_summary_fields(service)
    body.update(
        description=service.description,
        secondary_categories=[choice(vocabulary.CATEGORIES, value)
                              for value in service.secondary_categories or []],
        tags=list(service.tags or []),
        specialisms=[choice(vocabulary.SPECIALISMS, value) for value in service.specialisms or []],
        accessibility=service.accessibility or "",
        schedule=service.schedule or "",
        is_group=service.is_group,
        capacity=service.capacity,
        updated_at=_utc(service.updated_at),
    )
    return models.ServiceDetail(**body).as_json()


def _utc(moment: datetime) -> str:
    """Stored times are aware UTC; the API gives them with an explicit offset (+00:00)."""
    return times.iso_utc(moment)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def provider_detail(provider, services: list) -> dict[str, Any]:
    """A provider's public profile with its active services."""
    body = provider_summary(provider_id=provider.id, name=provider.name,
                            provider_type=provider.provider_type,
                            is_user_led=provider.is_user_led, is_micro=provider.is_micro)
    body.update(
        description=provider.description or "",
        user_led_statement=provider.user_led_statement or "",
        staff_count=provider.staff_count,
        dbs_checked_on=_iso(provider.dbs_checked_on),
        has_insurance=provider.has_insurance,
        insurance_details=provider.insurance_details or "",
        insurance_expires_on=_iso(provider.insurance_expires_on),
        cqc_registration_number=provider.cqc_registration_number or "",
        contact={
            "name": provider.contact_name or "",
            "email": provider.contact_email or "",
            "phone": provider.contact_phone or "",
            "website": provider.website or "",
        },
        local_authority=(
            {"value": provider.local_authority, "label": areas.area_label(provider.local_authority)}
            if provider.local_authority else None
        ),
        postcode_district=provider.postcode_district or None,
        services=[service_summary(service) for service in services],
    )
    return models.ProviderDetail(**body).as_json()


def facet_value(facet: FacetValue) -> dict[str, Any]:
    return {"value": facet.value, "label": facet.label, "count": facet.count,
            "selected": facet.selected}


def search_results(results: SearchResults) -> dict[str, Any]:
    return models.SearchResults(**{
        "results": [hit_summary(hit) for hit in results.hits],
        "total": results.total,
        "page": results.page,
        "page_size": results.page_size,
        "pages": results.pages,
        "facets": {name: [facet_value(value) for value in values]
                   for name, values in results.facets.items()},
        "suggestion": results.suggestion,
        "matched_every_word": results.full_total,
        "filter_words": [{"word": word.typed, "parameter": word.parameter, "value": word.value}
                         for word in results.applied_words],
        "corrected": results.corrected,
    }).as_json()
