"""Which services (and service-at-locations) a feed request lists, a page at a time.

Invariants:
- Without modified_after the feed lists live services only: active ones. Paused, removed and
  deleted services are not in it at all.
- With modified_after it lists every service whose record changed since then (the service's
  or its provider's updated_at): live ones that match the other filters, and, whatever the
  other filters say, every paused, removed or deleted one, so a harvester never misses a
  withdrawal. Deleted ones come from the feed's own notes (models.DeletedService).
- Every filter given must hold (AND), all in SQL: `search` over each service's feed words
  and day, start_time and end_time over the rules read from its schedule words, both kept
  by upkeep.py.
- Rows are in service id order (then delivery mode order for service-at-locations), so pages
  neither overlap nor skip while the data stands still.

Lists stored as JSON (areas, languages, modes, specialisms) are matched as text ('"M14"' in
the list's JSON): the values are fixed codes without quotes, and the search index is not
needed, so the feed answers even while a node rebuilds its index.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from marketplace import areas
from marketplace.extensions import db
from marketplace.openreferral import locations
from marketplace.openreferral.mapping import AGE_LIMITS
from marketplace.openreferral.models import DeletedService, ServiceFeedWords, ServiceScheduleRule
from marketplace.openreferral.params import Filters, Paging
from marketplace.openreferral.taxonomies import Taxonomy, Term
from marketplace.providers.models import Provider, Service
from marketplace.reviews.models import Review
from marketplace.search import synonyms

#: Rows loaded at a time when a response streams every service (format=ndjson).
STREAM_BATCH = 500


@dataclass(frozen=True)
class Listed:
    """One row of a page: a service id and its state ("active", "paused", "removed",
    "deleted"), or for service-at-locations an active service and one delivery mode."""
    service_id: int
    state: str = "active"
    mode: str | None = None


def _has(column, value: str):
    """The JSON list in `column` holds `value`."""
    return sa.cast(column, sa.Text).like(f'%"{value}"%')


def _is_empty(column):
    return sa.or_(column.is_(None), sa.cast(column, sa.Text).in_(["[]", "null"]))


#: Words shorter than this match whole (or with an s): "pa" must not find "painting".
_PREFIX_FROM = 4


def _like(phrase: str):
    words = ServiceFeedWords.words
    if len(phrase) >= _PREFIX_FROM:
        return words.like(f"% {phrase}%")
    return sa.or_(words.like(f"% {phrase} %"), words.like(f"% {phrase}s %"))


def _text_query(phrase: str) -> str:
    """The same match as _like, as a PostgreSQL text-search query: the phrase's words in a
    row, the last one as a prefix ("peer <-> support:*"), a short one whole or with an s."""
    *first, last = phrase.split()
    ending = f"{last}:*" if len(phrase) >= _PREFIX_FROM else f"({last} | {last}s)"
    return " <-> ".join([*first, ending])


def _search(text: str):
    """Every word (or, with synonyms.txt, one of its alternatives) is found in the service's
    words (upkeep.words: title, description, tags, main category and provider name): at the
    start of a word there, or as a whole word when it is short."""
    units = synonyms.load(current_app.config.get("SYNONYMS_FILE")).expand(text)
    if not units:
        return []  # marks only ("!!!"): no word to look for, so nothing is narrowed
    # synonyms.words_of gives only [a-z0-9] words: nothing in them is a LIKE wildcard or a
    # text-search operator.
    if db.session.get_bind().dialect.name == "postgresql":
        query = " & ".join(
            "(" + " | ".join(_text_query(phrase) for phrase in (unit.text, *unit.alternatives))
            + ")" for unit in units)
        found = sa.literal_column("service_feed_words.vector").op("@@")(
            sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), query))
    else:
        found = sa.and_(*(sa.or_(*(_like(phrase) for phrase in (unit.text, *unit.alternatives)))
                          for unit in units))
    return [Service.id.in_(sa.select(ServiceFeedWords.service_id).where(found))]


def _on_schedule(filters: Filters):
    """A rule read from its schedule words (upkeep.rules) runs on the day asked for, opening
    at start_time or later and closing at end_time or earlier: one rule meets them all (a
    time the words do not give never matches a time asked for)."""
    found = [ServiceScheduleRule.service_id == Service.id]
    if filters.day is not None:
        found.append(ServiceScheduleRule.days.like(f"%{filters.day}%"))
    if filters.start_time is not None:
        found.append(ServiceScheduleRule.opens_at >= filters.start_time)
    if filters.end_time is not None:
        found.append(ServiceScheduleRule.closes_at <= filters.end_time)
    return sa.exists().where(*found)


def _term(term: Term):
    key, value = term.taxonomy.key, term.value
    if key == "categories":
        return sa.or_(Service.category == value, _has(Service.secondary_categories, value))
    if key == "especially-for":
        return _has(Service.specialisms, value)
    if key == "delivery-modes":
        return _has(Service.delivery_modes, value)
    return Service.provider_id.in_(sa.select(Provider.id).where(Provider.provider_type == value))


def _taxonomy(taxonomy: Taxonomy):
    """Services with any term of the taxonomy: every service has a category, a mode and a
    provider type; only some say who they are especially for."""
    if taxonomy.key == "especially-for":
        return sa.not_(_is_empty(Service.specialisms))
    return sa.true()


def _ages(filters: Filters):
    found = []
    if filters.minimum_age is not None:
        found.append(sa.or_(sa.false(), *(
            _has(Service.specialisms, value) for value, (low, _) in AGE_LIMITS.items()
            if low >= filters.minimum_age)))
    if filters.maximum_age is not None:
        found.append(sa.or_(sa.false(), *(
            _has(Service.specialisms, value) for value, (_, high) in AGE_LIMITS.items()
            if high <= filters.maximum_age)))
    return found


def _covers(district: str):
    """Serves the postcode: its district, or the whole council it lies in; a service with no
    area (online or by phone only) is open to anyone. Pathways holds no coordinates, so
    proximity narrows nothing further: an area that covers the postcode is 0 m from it."""
    council = areas.DISTRICT_TO_AUTHORITY.get(district)
    return sa.or_(
        _has(Service.postcode_districts, district),
        _has(Service.local_authorities, council) if council else sa.false(),
        sa.and_(_is_empty(Service.local_authorities), _is_empty(Service.postcode_districts)),
    )


def _changed(filters: Filters, *, reviews: bool = True) -> list:
    """Changed since modified_after: the service, its provider or (for a live service, whose
    rating and helped share are published) one of its reviews."""
    since = filters.modified_after
    if since is None:
        return []
    # One select per table, each read from its updated_at index, rather than an OR over a
    # join, which PostgreSQL can only answer by reading every service.
    changed, owner = so.aliased(Service), so.aliased(Provider)
    changes = [sa.select(changed.id).where(changed.updated_at >= since),
               sa.select(changed.id).join(owner, owner.id == changed.provider_id)
               .where(owner.updated_at >= since)]
    if reviews:
        changes.append(sa.select(Review.service_id).where(Review.updated_at >= since))
    return [Service.id.in_(sa.union(*changes))]


def _live_conditions(filters: Filters) -> list:
    if filters.matches_nothing:
        return [sa.false()]
    found = [Service.status == "active", *_changed(filters)]
    if filters.search:
        found += _search(filters.search)
    found += [_term(term) for term in filters.terms]
    found += [_taxonomy(taxonomy) for taxonomy in filters.in_taxonomies]
    if filters.provider_id is not None:
        found.append(Service.provider_id == filters.provider_id)
    found += _ages(filters)
    if filters.district:
        found.append(_covers(filters.district))
    if filters.by_schedule:
        found.append(_on_schedule(filters))
    return found


def _live(filters: Filters, *columns):
    # Services alone (a filter on the provider is a subquery), so PostgreSQL can count and
    # page live services from the (status, id) index without reading the rows.
    return sa.select(Service.id.label("id"), *columns).where(*_live_conditions(filters))


def _withdrawn(filters: Filters) -> list:
    """(id, state) selects of changed services that are not live: paused or removed rows, and
    notes of deleted ones (unless a later service was given the same id)."""
    if filters.modified_after is None:
        return []
    kept = (sa.select(Service.id.label("id"), Service.status.label("state"))
            .where(Service.status != "active", *_changed(filters, reviews=False)))
    gone = (sa.select(DeletedService.service_id.label("id"),
                      sa.literal_column("'deleted'", sa.String).label("state"))
            .where(DeletedService.deleted_at >= filters.modified_after,
                   ~sa.exists().where(Service.id == DeletedService.service_id)))
    return [kept, gone]


def _service_union(filters: Filters):
    return sa.union_all(
        _live(filters, sa.literal_column("'active'", sa.String).label("state")),
        *_withdrawn(filters)).subquery()


def service_page(filters: Filters, paging: Paging) -> tuple[int, list[Listed]]:
    """How many services match, and this page of them."""
    if filters.modified_after is None:
        selected = _live(filters).subquery()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(selected))
        ids = db.session.scalars(_live(filters).order_by(Service.id)
                                 .offset(paging.offset).limit(paging.per_page)).all()
        return total, [Listed(number) for number in ids]
    union = _service_union(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(union))
    page = db.session.execute(sa.select(union.c.id, union.c.state).order_by(union.c.id)
                              .offset(paging.offset).limit(paging.per_page)).all()
    return total, [Listed(row.id, row.state) for row in page]


def every_service(filters: Filters) -> Iterator[list[Listed]]:
    """Every matching service, in batches of STREAM_BATCH (by id, so each batch is one
    short query and the stream holds no cursor open between them)."""
    union = _service_union(filters)
    after = 0
    while True:
        batch = db.session.execute(sa.select(union.c.id, union.c.state).where(
            union.c.id > after).order_by(union.c.id).limit(STREAM_BATCH)).all()
        if not batch:
            return
        after = batch[-1].id
        yield [Listed(row.id, row.state) for row in batch]


def _modes_union(filters: Filters):
    return sa.union_all(*(
        _live(filters, sa.literal_column(str(rank), sa.Integer).label("rank"))
        .where(_has(Service.delivery_modes, mode))
        for rank, mode in enumerate(locations.MODES))).subquery()


def service_at_location_page(filters: Filters, paging: Paging) -> tuple[int, list[Listed]]:
    """Live services' locations (one per delivery mode) matching the filters."""
    union = _modes_union(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(union))
    page = db.session.execute(sa.select(union.c.id, union.c.rank)
                              .order_by(union.c.id, union.c.rank)
                              .offset(paging.offset).limit(paging.per_page)).all()
    return total, [Listed(row.id, mode=locations.MODES[row.rank]) for row in page]


def load_services(numbers: list[int]) -> dict[int, Service]:
    if not numbers:
        return {}
    return {service.id: service for service in db.session.scalars(
        sa.select(Service).where(Service.id.in_(numbers))
        .options(so.joinedload(Service.provider)))}


def live_service(number: int) -> Service | None:
    service = db.session.get(Service, number, options=[so.joinedload(Service.provider)])
    return service if service is not None and service.is_active else None


@dataclass(frozen=True)
class ReviewFacts:
    #: The share of published reviews whose writer said it helped, 0-100 rounded half up (as
    #: the service page shows it); None with no published review.
    helped_percent: int | None = None
    #: When any of its reviews last changed: a rating or the helped share may have with it.
    changed_at: datetime | None = None


NO_REVIEWS = ReviewFacts()


def review_facts(numbers: list[int]) -> dict[int, ReviewFacts]:
    found: dict[int, ReviewFacts] = {}
    published = Review.state == "published"
    for start in range(0, len(numbers), STREAM_BATCH):
        for number, count, helped, changed_at in db.session.execute(
                sa.select(Review.service_id, sa.func.count(sa.case((published, 1))),
                          sa.func.count(sa.case((published & (Review.helped == "yes"), 1))),
                          sa.func.max(Review.updated_at))
                .where(Review.service_id.in_(numbers[start:start + STREAM_BATCH]))
                .group_by(Review.service_id)):
            found[number] = ReviewFacts((200 * helped + count) // (2 * count) if count else None,
                                        changed_at)
    return found


def modified_times(numbers: list[int]) -> dict[int, tuple[str, datetime]]:
    """Each service's state and when its record last changed (mapping.last_modified)."""
    reviewed = review_facts(numbers)
    found: dict[int, tuple[str, datetime]] = {}
    for start in range(0, len(numbers), STREAM_BATCH):
        for number, status, own, provider in db.session.execute(
                sa.select(Service.id, Service.status, Service.updated_at, Provider.updated_at)
                .join(Provider, Provider.id == Service.provider_id)
                .where(Service.id.in_(numbers[start:start + STREAM_BATCH]))):
            moments = [own, provider]
            if status == "active":
                moments.append(reviewed.get(number, NO_REVIEWS).changed_at or own)
            found[number] = (status, max(moments))
    return found


def deleted_times(numbers: list[int]) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for start in range(0, len(numbers), STREAM_BATCH):
        found.update(db.session.execute(
            sa.select(DeletedService.service_id, DeletedService.deleted_at)
            .where(DeletedService.service_id.in_(numbers[start:start + STREAM_BATCH]))).all())
    return found
