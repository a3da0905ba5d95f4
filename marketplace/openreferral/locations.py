"""Where a service is delivered, in HSDS terms: its service areas, and one location (with its
service_at_location link) for each way it is delivered.

Pathways holds no street address for any service: support happens where the person is, at a
venue the provider arranges, online or by phone. So a service is published by the areas it
serves (councils and postcode districts) and never by where its provider lives or works from;
a sole-trader personal assistant's own postcode district is never in the feed. Each delivery
mode becomes one location: "in person" a physical location named by the areas served (no
address, no coordinates), "online" and "by phone" virtual ones.
"""
from __future__ import annotations

from marketplace import areas, vocabulary
from marketplace.openreferral import ids

#: ONS codes of the ten Greater Manchester councils (metropolitan districts), for each
#: service area's uri, so a directory can match them to its own boundaries.
COUNCIL_CODES = {
    "bolton": "E08000001", "bury": "E08000002", "manchester": "E08000003",
    "oldham": "E08000004", "rochdale": "E08000005", "salford": "E08000006",
    "stockport": "E08000007", "tameside": "E08000008", "trafford": "E08000009",
    "wigan": "E08000010",
}
STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"

MODES = vocabulary.values(vocabulary.DELIVERY_MODES)
#: How many areas a location's name lists before "and N more".
NAMED_AREAS = 5

ids.check_distinct("mode", MODES)
ids.check_distinct("area", [*areas.LOCAL_AUTHORITIES, *areas.DISTRICT_TO_AUTHORITY])


def served_areas(service) -> list[str]:
    return [*(service.local_authorities or []), *(service.postcode_districts or [])]


def service_areas(service, service_id: str) -> list[dict]:
    found = []
    for value in served_areas(service):
        area = {
            "id": ids.make("service_area", service.id, ids.sub_code("area", value)),
            "service_id": service_id,
            "name": areas.area_label(value),
        }
        if value in areas.LOCAL_AUTHORITIES:
            area["service_area"] = f"{areas.area_label(value)}: the whole council area"
            area["uri"] = STATISTICAL_GEOGRAPHY + COUNCIL_CODES[value]
        else:
            council = areas.DISTRICT_TO_AUTHORITY.get(value)
            area["service_area"] = (f"Postcode district {value}"
                                    + (f", in {areas.area_label(council)}" if council else ""))
        found.append(area)
    return found


def modes_of(service) -> list[str]:
    """The delivery modes in vocabulary order (so ids and paging are stable)."""
    chosen = set(service.delivery_modes or [])
    return [mode for mode in MODES if mode in chosen]


def location_id(service_id: int, mode: str) -> str:
    return ids.make("location", service_id, ids.sub_code("mode", mode))


def service_at_location_id(service_id: int, mode: str) -> str:
    return ids.make("service_at_location", service_id, ids.sub_code("mode", mode))


def _in_person_name(service) -> str:
    labels = [areas.area_label(value) for value in served_areas(service)]
    if not labels:
        return "In person"
    if len(labels) > NAMED_AREAS:
        shown = ", ".join(labels[:NAMED_AREAS])
        return f"In person in {shown} and {len(labels) - NAMED_AREAS} more areas"
    if len(labels) == 1:
        return f"In person in {labels[0]}"
    return f"In person in {', '.join(labels[:-1])} and {labels[-1]}"


_DESCRIPTIONS = {
    "in-person": "Delivered in person in the areas the service covers: where you are, or at a "
                 "place the provider agrees with you. Pathways publishes no street address.",
    "online": "Delivered online, wherever you are.",
    "phone": "Delivered by phone, wherever you are.",
}


def location(service, mode: str, *, full: bool) -> dict:
    found = {
        "id": location_id(service.id, mode),
        "location_type": "physical" if mode == "in-person" else "virtual",
        "name": _in_person_name(service) if mode == "in-person" else vocabulary.label(
            vocabulary.DELIVERY_MODES, mode),
        "description": _DESCRIPTIONS[mode],
    }
    if full:
        found["accessibility"] = []
        if service.accessibility:
            found["accessibility"].append({
                "id": ids.make("accessibility", service.id, ids.sub_code("mode", mode)),
                "location_id": found["id"],
                "description": service.accessibility,
                "accessibility": service.accessibility,
            })
    return found


def service_at_location(service, mode: str, service_id: str, *, full: bool) -> dict:
    """The link between a service and one of its locations (without the service itself)."""
    linked = location(service, mode, full=full)
    return {
        "id": service_at_location_id(service.id, mode),
        "service_id": service_id,
        "location_id": linked["id"],
        "location": linked,
    }


def find_service_at_location(feed_id: str) -> tuple[int, str] | None:
    """(service id, mode) of a service_at_location id, or None."""
    parsed = ids.parse(feed_id)
    if parsed is None or parsed.kind != "service_at_location":
        return None
    mode = next((each for each in MODES if ids.sub_code("mode", each) == parsed.sub), None)
    return (parsed.number, mode) if mode else None
