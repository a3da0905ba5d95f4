"""Our services and providers as HSDS 3.0 records (UK profile), with Pathways' own facts as
extension fields named `pathways_*` (docs/open-data.md lists each).

What goes where:
- provider -> organization (CQC registration as an organization identifier, provider type as
  an attribute); its contact name, email and phone (as on the public service page) -> the
  service's contact, with the phone as an HSDS phone of that contact.
- price and unit -> one cost option (amount in pounds, GBP, and the pence beside it);
  languages -> languages (ISO 639 codes); the schedule words and the evenings/weekends ticks
  -> schedules (schedules.py); areas served -> service areas and delivery modes -> locations
  (locations.py); categories, "especially for", delivery modes -> attributes linking the
  published taxonomies (taxonomies.py); accessibility -> each location's accessibility;
  eligibility -> ages where a specialism has them, and eligibility_description.

Only what the public service page already shows is published, less the base postcode of a
sole-trader personal assistant (locations.py). A service that is paused or gone is published
only as its id, status and time, with nothing else about it (withdrawn_record).
"""
from __future__ import annotations

from datetime import datetime

from flask import url_for

from marketplace import times, vocabulary
from marketplace.money import format_pence
from marketplace.openreferral import ids, locations, schedules
from marketplace.openreferral.taxonomies import term, term_body

#: ISO 639 codes of our languages where they differ from our stored value.
LANGUAGE_CODES = {"bsl": "bfi", "zh": "yue"}
#: Ages a specialism sets: HSDS minimum_age and maximum_age.
AGE_LIMITS = {"young-people": (16, 25)}
#: The one specialism that limits who may use a service; the others say who it suits.
LIMITING_SPECIALISMS = {"women-only"}
#: HSDS status of each of our service states.
STATUS = {"active": "active", "paused": "inactive", "removed": "defunct", "deleted": "defunct"}
WITHDRAWN_NAME = "Withdrawn from Pathways"


def service_id(number: int) -> str:
    return ids.make("service", number)


def organization_id(number: int) -> str:
    return ids.make("organization", number)


def iso_moment(moment: datetime) -> str:
    """HSDS last_modified: UTC with milliseconds, '2026-03-15T10:30:45.123Z'."""
    return times.to_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def last_modified(service, reviews_changed_at: datetime | None = None) -> datetime:
    """A service's record changes when the service or its provider does (name, contact,
    user-led status all appear in it) and, while it is live, when one of its reviews does
    (its rating and helped share)."""
    return max(service.updated_at, service.provider.updated_at,
               reviews_changed_at or service.updated_at)


def _long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def accreditations(provider) -> str:
    said = []
    if provider.dbs_checked_on:
        said.append(f"DBS checked on {_long_date(provider.dbs_checked_on)}.")
    if provider.has_insurance and provider.insurance_expires_on and (
            provider.insurance_expires_on >= times.london_today()):
        details = f" ({provider.insurance_details})" if provider.insurance_details else ""
        said.append(f"Insured until {_long_date(provider.insurance_expires_on)}{details}.")
    if provider.cqc_registration_number:
        said.append("Registered with the Care Quality Commission: "
                    f"{provider.cqc_registration_number}.")
    return " ".join(said)


def organization(provider, *, full: bool) -> dict:
    number = organization_id(provider.id)
    found = {
        "id": number,
        "name": provider.name,
        "description": provider.description or provider.name,
        "uri": url_for("providers.provider_detail", provider_id=provider.id, _external=True),
    }
    if provider.contact_email:
        found["email"] = provider.contact_email
    if provider.website.lower().startswith(("http://", "https://")):
        found["website"] = provider.website
    found.update(
        pathways_provider_type=provider.provider_type,
        pathways_user_led=provider.is_user_led,
        pathways_micro_provider=provider.is_micro,
        pathways_staff_count=provider.staff_count,
    )
    if provider.is_user_led and provider.user_led_statement:
        found["pathways_user_led_statement"] = provider.user_led_statement
    if full:
        found["organization_identifiers"] = [{
            "id": ids.make("organization_identifier", provider.id),
            "organization_id": number,
            "identifier_type": "Care Quality Commission registration number",
            "identifier": provider.cqc_registration_number,
        }] if provider.cqc_registration_number else []
        found["attributes"] = [_attribute(number, provider.id, "provider_type",
                                          term("provider-types", provider.provider_type))]
    return found


def _attribute(link_id: str, number: int, link_type: str, linked) -> dict:
    return {
        "id": ids.make("attribute", number,
                       ids.sub_code("attribute", f"{linked.taxonomy.key}:{linked.value}")),
        "link_id": link_id,
        "link_type": link_type,
        "taxonomy_term_id": linked.id,
        "taxonomy_term": term_body(linked),
    }


def _ages(service) -> dict:
    limits = [AGE_LIMITS[value] for value in service.specialisms or [] if value in AGE_LIMITS]
    if not limits:
        return {}
    return {"minimum_age": min(low for low, _ in limits),
            "maximum_age": max(high for _, high in limits)}


def rating_fields(service, helped_percent: int | None) -> dict:
    """Pathways' rating, once the service has published reviews (docs/reviews.md)."""
    if not service.review_count or service.rating_centi is None:
        return {}
    found = {"pathways_rating": service.rating_centi / 100,
             "pathways_review_count": service.review_count}
    if helped_percent is not None:
        found["pathways_helped_percent"] = helped_percent
    return found


def service_record(service, *, full: bool, helped_percent: int | None = None,
                   reviews_changed_at: datetime | None = None) -> dict:
    """A live service: the one-to-one fields (and its organization) for lists, everything
    with full=True. The helped share and when its reviews last changed come from
    queries.review_facts."""
    provider = service.provider
    number = service_id(service.id)
    found = {
        "id": number,
        "organization_id": organization_id(provider.id),
        "name": service.title,
        "description": service.description,
        "url": url_for("providers.service_detail", service_id=service.id, _external=True),
        "status": "active",
        "last_modified": iso_moment(last_modified(service, reviews_changed_at)),
    }
    if provider.contact_email:
        found["email"] = provider.contact_email
    said = accreditations(provider)
    if said:
        found["accreditations"] = said
    found.update(_ages(service))
    found.update(
        pathways_accepts_personal_budgets=True,
        pathways_user_led=provider.is_user_led,
        pathways_micro_provider=provider.is_micro,
        pathways_can_be_pooled=service.poolable,
        pathways_group_places=service.capacity if service.is_group else None,
        pathways_evenings=service.evenings,
        pathways_weekends=service.weekends,
        **rating_fields(service, helped_percent),
    )
    found["organization"] = organization(provider, full=full)
    if full:
        found.update(_nested(service, number))
    return found


def _nested(service, number: str) -> dict:
    especially_for = service.specialisms or []
    nested = {
        "schedules": schedule_records(service, number),
        "service_areas": locations.service_areas(service, number),
        "service_at_locations": [
            locations.service_at_location(service, mode, number, full=True)
            for mode in locations.modes_of(service)],
        "languages": [{
            "id": ids.make("language", service.id, ids.sub_code("language", code)),
            "service_id": number,
            "name": vocabulary.label(vocabulary.LANGUAGES, code),
            "code": LANGUAGE_CODES.get(code, code),
        } for code in service.languages or []],
        "funding": [],
        "cost_options": [cost_option(service, number)],
        "contacts": contacts(service, number),
        "attributes": attributes(service, number),
    }
    if especially_for:
        limited = [value for value in especially_for if value in LIMITING_SPECIALISMS]
        suits = [value for value in especially_for if value not in LIMITING_SPECIALISMS]
        words = [vocabulary.label(vocabulary.SPECIALISMS, value) + "." for value in limited]
        if suits:
            words.append("Especially for: " + "; ".join(
                vocabulary.label(vocabulary.SPECIALISMS, value) for value in suits) + ".")
        nested["eligibility_description"] = " ".join(words)
    return nested


def cost_option(service, number: str) -> dict:
    unit = vocabulary.label(vocabulary.PRICE_UNITS, service.price_unit)
    return {
        "id": ids.make("cost_option", service.id),
        "service_id": number,
        # HSDS amounts are numbers in the currency; pence stay exact beside them.
        "amount": service.price_pence / 100,
        "currency": "GBP",
        "amount_description": ("Free" if not service.price_pence
                               else f"{format_pence(service.price_pence)} {unit}"),
        "pathways_amount_pence": service.price_pence,
        "pathways_unit": service.price_unit,
    }


def contacts(service, number: str) -> list[dict]:
    provider = service.provider
    if not (provider.contact_name or provider.contact_email or provider.contact_phone):
        return []
    contact_id = ids.make("contact", service.id)
    contact: dict = {"id": contact_id, "service_id": number}
    if provider.contact_name:
        contact["name"] = provider.contact_name
    if provider.contact_email:
        contact["email"] = provider.contact_email
    contact["phones"] = [{"id": ids.make("phone", service.id), "contact_id": contact_id,
                          "number": provider.contact_phone}] if provider.contact_phone else []
    return [contact]


def attributes(service, number: str) -> list[dict]:
    linked = [("main_category", term("categories", service.category))]
    linked += [("other_category", term("categories", value))
               for value in service.secondary_categories or []]
    linked += [("especially_for", term("especially-for", value))
               for value in service.specialisms or []]
    linked += [("delivery_mode", term("delivery-modes", mode))
               for mode in locations.modes_of(service)]
    return [_attribute(number, service.id, link_type, each) for link_type, each in linked]


def _flag_notes(service) -> str:
    runs = [label for label, ticked in (("in the evenings", service.evenings),
                                         ("at weekends", service.weekends)) if ticked]
    return f"Runs {' and '.join(runs)}." if runs else ""


def schedule_records(service, number: str) -> list[dict]:
    rules = schedules.read_schedule(service.schedule or "", bool(service.weekends))
    attending = ", ".join(vocabulary.label(vocabulary.DELIVERY_MODES, mode)
                          for mode in locations.modes_of(service))
    common = {"service_id": number}
    if service.schedule:
        common["description"] = service.schedule
    if attending:
        common["attending_type"] = attending
    notes = _flag_notes(service)
    if notes:
        common["notes"] = notes
    if not rules:
        if len(common) == 1:
            return []
        return [{"id": ids.make("schedule", service.id), **common}]
    found = []
    for position, rule in enumerate(rules):
        entry = {"id": ids.make("schedule", service.id, position), **common,
                 "freq": "WEEKLY", "interval": rule.interval, "byday": ",".join(rule.days)}
        if rule.opens is not None:
            entry["opens_at"] = schedules.clock(rule.opens)
        if rule.closes is not None:
            entry["closes_at"] = schedules.clock(rule.closes)
        found.append(entry)
    return found


def withdrawn_record(number: int, state: str, moment: datetime) -> dict:
    """A paused, removed or deleted service: its id, status and when; nothing else."""
    return {"id": service_id(number), "name": WITHDRAWN_NAME, "status": STATUS[state],
            "last_modified": iso_moment(moment)}
