"""The feed's answers: the rows queries.py picks, as the records mapping.py and locations.py
make. Routes call these and only turn them into responses."""
from __future__ import annotations

from collections.abc import Iterator

from marketplace.openreferral import locations, mapping, queries
from marketplace.openreferral.params import Filters, Paging
from marketplace.openreferral.paging import page_body


def _records(rows: list[queries.Listed], *, full: bool, minimal: bool) -> list[dict]:
    if minimal:
        return _minimal_records(rows)
    kept = [row.service_id for row in rows if row.state != "deleted"]
    services = queries.load_services(kept)
    reviews = queries.review_facts(kept)
    deleted = queries.deleted_times([row.service_id for row in rows if row.state == "deleted"])
    found = []
    for row in rows:
        service = services.get(row.service_id)
        if row.state == "deleted":
            found.append(mapping.withdrawn_record(row.service_id, "deleted",
                                                  deleted[row.service_id]))
        elif service is None:
            continue  # deleted since the rows were read: the next harvest has its note
        elif not service.is_active:
            # Its current state, even if it was live when the rows were read.
            found.append(mapping.withdrawn_record(service.id, service.status,
                                                  mapping.last_modified(service)))
        else:
            found.append(_service_record(service, reviews, full=full))
    return found


def _minimal_records(rows: list[queries.Listed]) -> list[dict]:
    """Ids, statuses and times only: read without loading whole rows, for big pages."""
    changed = queries.modified_times([row.service_id for row in rows if row.state != "deleted"])
    deleted = queries.deleted_times([row.service_id for row in rows if row.state == "deleted"])
    found = []
    for row in rows:
        if row.state == "deleted":
            status, moment = "deleted", deleted[row.service_id]
        elif row.service_id in changed:
            status, moment = changed[row.service_id]
        else:
            continue
        found.append({"id": mapping.service_id(row.service_id),
                      "status": mapping.STATUS[status],
                      "last_modified": mapping.iso_moment(moment)})
    return found


def _service_record(service, reviews: dict[int, queries.ReviewFacts], *, full: bool) -> dict:
    facts = reviews.get(service.id, queries.NO_REVIEWS)
    return mapping.service_record(service, full=full, helped_percent=facts.helped_percent,
                                  reviews_changed_at=facts.changed_at)


def services_page(filters: Filters, paging: Paging, *, full: bool, minimal: bool) -> dict:
    total, rows = queries.service_page(filters, paging)
    return page_body(_records(rows, full=full, minimal=minimal), total, paging)


def every_service(filters: Filters, *, full: bool, minimal: bool) -> Iterator[dict]:
    for rows in queries.every_service(filters):
        yield from _records(rows, full=full, minimal=minimal)


def service(number: int) -> dict | None:
    found = queries.live_service(number)
    if found is None:
        return None
    return _service_record(found, queries.review_facts([number]), full=True)


def _service_at_location(service, mode: str, reviews: dict[int, queries.ReviewFacts], *,
                         full: bool) -> dict:
    number = mapping.service_id(service.id)
    record = locations.service_at_location(service, mode, number, full=full)
    record["service"] = _service_record(service, reviews, full=full)
    return record


def service_at_locations_page(filters: Filters, paging: Paging) -> dict:
    total, rows = queries.service_at_location_page(filters, paging)
    numbers = sorted({row.service_id for row in rows})
    services = queries.load_services(numbers)
    reviews = queries.review_facts(numbers)
    contents = [_service_at_location(services[row.service_id], row.mode, reviews, full=False)
                for row in rows
                if row.service_id in services and services[row.service_id].is_active]
    return page_body(contents, total, paging)


def service_at_location(number: int, mode: str) -> dict | None:
    found = queries.live_service(number)
    if found is None or mode not in (found.delivery_modes or []):
        return None
    return _service_at_location(found, mode, queries.review_facts([number]), full=True)
