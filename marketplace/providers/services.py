"""Domain functions for providers and their service listings.

Invariants kept here (pages and the API both call these functions):

- A provider changes only its own services: get_own_service raises NotFound for anyone else's,
  so a stranger cannot even learn that the id exists.
- Every change queues a search reindex in the same transaction (marketplace.search.outbox):
  a profile change requeues every service of that provider, because provider name, type,
  user-led status and micro status are part of each service's search document; a delete
  queues before the row goes, so the document is removed.
- Listing rules (find_provider_problems, find_service_problems) are checked before anything is
  written; forms show the same problems beside their fields.
- Functions flush, never commit: the caller commits once.
- Status moves follow STATUS_TRANSITIONS; an illegal move raises ServiceStatusError.
- A service is deleted only when nobody has ordered it. One with an order still open cannot be
  deleted (ServiceHasOpenOrders says why and offers pausing); one whose orders are all finished
  becomes "removed": out of search, listings and the dashboard, but kept, because its orders,
  statements and payouts refer to it (the database's foreign keys refuse the delete anyway).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.openreferral.deletions import note_deleted_service
from marketplace.orders.models import ORDER_STATES, Order
from marketplace.providers.models import Provider, Service
from marketplace.search.outbox import queue_reindex
from marketplace.times import london_today

#: Allowed status moves: from status -> {to status}. "removed" is reached only by
#: delete_service and never left.
STATUS_TRANSITIONS: dict[str, set[str]] = {"active": {"paused"}, "paused": {"active"}}

#: Order states after which the provider owes the buyer nothing more for the service: a
#: confirmed order is delivered and settled (its payout and any refund go on without the
#: listing). Any other state is an open order, which keeps the service from being deleted.
FINISHED_ORDER_STATES = ("confirmed", "paid_out", "declined", "cancelled", "refunded")
OPEN_ORDER_STATES = tuple(state for state in ORDER_STATES if state not in FINISHED_ORDER_STATES)

#: Care Quality Commission location/provider ids look like 1-123456789 (9 to 11 digits).
CQC_NUMBER = re.compile(r"^1-\d{9,11}$")

#: Modes that need no area: someone anywhere can take part.
REMOTE_MODES = {"online", "phone"}

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_CAPACITY = 1000
MAX_PRICE_PENCE = 100_000_00
MAX_STAFF = 10_000

Problem = tuple[str, str]


class ListingInvalid(DomainError):
    """One or more listing rules failed; problems are (field name, message) pairs."""

    code = "listing_invalid"

    def __init__(self, problems: list[Problem]):
        field_name, message = problems[0]
        super().__init__(message, field=field_name)
        self.problems = problems


class ServiceStatusError(DomainError):
    status = 409
    code = "status_not_allowed"


class ServiceHasOpenOrders(DomainError):
    """The provider can act on this: pause the service, finish the orders, then delete."""

    status = 409
    code = "service_has_open_orders"

    def __init__(self, service: Service, open_orders: int):
        orders = "1 order" if open_orders == 1 else f"{open_orders} orders"
        is_are = "is" if open_orders == 1 else "are"
        super().__init__(
            f"“{service.title}” cannot be deleted yet: {orders} for it {is_are} still open "
            "(waiting, accepted, delivered or disputed), and the people who placed them are "
            "relying on it. Pause it instead, so nobody new can order it, and delete it once "
            "those orders are finished."
        )
        self.service = service
        self.open_orders = open_orders


# --- text cleaning -------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?")
#: Direction overrides can make text read differently from what is stored (spoofing).
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Strip control characters (keeping line breaks and tabs in multi-line text) and outer space."""
    text = _LINE_BREAKS.sub("\n", value or "")
    kept = []
    for character in text:
        if character in "\n\t":
            kept.append(character if multiline else " ")
        elif unicodedata.category(character) == "Cc" or character in _BIDI_CONTROLS:
            continue
        else:
            kept.append(character)
    return "".join(kept).strip()


def clean_tags(text: str | None) -> list[str]:
    """'Art,  photography , ART' -> ['art', 'photography']: lower case, no repeats, order kept."""
    tags: list[str] = []
    for part in clean_text(text).split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def paragraphs(text: str | None) -> list[str]:
    """Split text at blank lines, for showing what a person wrote with its paragraph breaks."""
    return [part.strip("\n") for part in re.split(r"\n\s*\n", text or "") if part.strip()]


# --- providers ------------------------------------------------------------------------------


@dataclass
class ProviderDetails:
    name: str
    provider_type: str
    description: str = ""
    is_user_led: bool = False
    user_led_statement: str = ""
    staff_count: int | None = 1
    dbs_checked_on: date | None = None
    has_insurance: bool = False
    insurance_details: str = ""
    insurance_expires_on: date | None = None
    cqc_registration_number: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    local_authority: str = ""
    postcode_district: str = ""


def find_provider_problems(details: ProviderDetails, *, today: date | None = None) -> list[Problem]:
    """Every rule the organisation profile breaks, as (field, message); empty when it is fine."""
    today = today or london_today()
    problems: list[Problem] = []
    if not details.name:
        problems.append(("name", "Enter the name of your organisation"))
    if details.provider_type not in vocabulary.values(vocabulary.PROVIDER_TYPES):
        problems.append(("provider_type", "Choose the kind of provider you are"))
    if details.provider_type == "ulo" and not details.is_user_led:
        problems.append((
            "is_user_led",
            (
                "A user-led organisation must tick that people who use its services hold "
                "most seats on the board"
            ),
        ))
    if details.is_user_led and not details.user_led_statement:
        problems.append((
            "user_led_statement",
            "Say how people who use your services control the board",
        ))
    if details.staff_count is None:
        problems.append(("staff_count", "Enter how many staff you have, like 3"))
    elif not 0 <= details.staff_count <= MAX_STAFF:
        problems.append(("staff_count", f"Enter a number of staff from 0 to {MAX_STAFF:,}"))
    if details.provider_type == "personal-assistant" and details.dbs_checked_on is None:
        problems.append((
            "dbs_checked_on",
            "Enter the date of your latest DBS check: personal assistants need one",
        ))
    if details.dbs_checked_on and details.dbs_checked_on > today:
        problems.append(("dbs_checked_on", "The DBS check date cannot be in the future"))
    if details.has_insurance:
        if not details.insurance_details:
            problems.append(("insurance_details", "Say what insurance you have and who with"))
        if details.insurance_expires_on is None:
            problems.append(("insurance_expires_on", "Enter the date your insurance runs out"))
        elif details.insurance_expires_on < today:
            problems.append((
                "insurance_expires_on",
                "That date has passed: enter the date your current insurance runs out",
            ))
    elif details.insurance_details or details.insurance_expires_on:
        problems.append((
            "has_insurance",
            "Tick that you have insurance, or clear the insurance details and date",
        ))
    if details.cqc_registration_number and not CQC_NUMBER.match(details.cqc_registration_number):
        problems.append((
            "cqc_registration_number",
            "Enter a CQC registration number like 1-123456789, or leave it empty",
        ))
    if details.website and not re.match(r"^https?://[^\s/]+\.[^\s]+$", details.website):
        problems.append(("website", "Enter a web address like https://www.example.org"))
    if details.local_authority and details.local_authority not in areas.LOCAL_AUTHORITIES:
        problems.append(("local_authority", "Choose a local authority from the list"))
    if details.postcode_district and (
        areas.normalise_area(details.postcode_district) != details.postcode_district
        or details.postcode_district in areas.LOCAL_AUTHORITIES
    ):
        problems.append((
            "postcode_district",
            "Enter the first part of a postcode, like M14 or SK4",
        ))
    return problems


def get_provider_for_owner(owner) -> Provider | None:
    """The provider organisation this user runs, or None before they have described it."""
    return db.session.scalar(sa.select(Provider).where(Provider.owner_id == owner.id))


def save_provider_profile(owner, details: ProviderDetails) -> Provider:
    """Create or update the owner's organisation and requeue all its services for search."""
    problems = find_provider_problems(details)
    if problems:
        raise ListingInvalid(problems)
    provider = get_provider_for_owner(owner)
    if provider is None:
        provider = Provider(owner_id=owner.id)
        db.session.add(provider)
    for name, value in vars(details).items():
        setattr(provider, name, value)
    if not provider.is_user_led:
        provider.user_led_statement = ""
    db.session.flush()
    for service in provider.services:
        queue_reindex(service.id)
    return provider


def get_public_provider(provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id)
    if provider is None or provider.is_closed:
        raise NotFound("We could not find that provider.")
    return provider


def list_active_services(provider: Provider) -> list[Service]:
    return [service for service in provider.services if service.is_active]


def list_own_services(provider: Provider) -> list[Service]:
    """The services on the provider's dashboard: active and paused, not removed ones."""
    return [service for service in provider.services if not service.is_removed]


# --- services -------------------------------------------------------------------------------


@dataclass
class ServiceDetails:
    title: str
    description: str
    category: str
    price_pence: int | None
    price_unit: str
    secondary_categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    delivery_modes: list[str] = field(default_factory=list)
    local_authorities: list[str] = field(default_factory=list)
    postcode_districts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    specialisms: list[str] = field(default_factory=list)
    accessibility: str = ""
    schedule: str = ""
    evenings: bool = False
    weekends: bool = False
    is_group: bool = False
    capacity: int | None = None
    poolable: bool = False


def _unknown(chosen: list[str], choices: list[tuple[str, str]]) -> bool:
    return any(value not in vocabulary.values(choices) for value in chosen)


def find_service_problems(details: ServiceDetails) -> list[Problem]:
    """Every rule the listing breaks, as (field, message); empty when it can be saved."""
    problems: list[Problem] = []
    if not details.title:
        problems.append(("title", "Enter a title that says what the service is"))
    if not details.description:
        problems.append(("description", "Describe the service in a few sentences"))
    if details.category not in vocabulary.values(vocabulary.CATEGORIES):
        problems.append(("category", "Choose the main category"))
    if _unknown(details.secondary_categories, vocabulary.CATEGORIES):
        problems.append(("secondary_categories", "Choose other categories from the list"))
    if len(details.tags) > MAX_TAGS:
        problems.append(("tags", f"Use {MAX_TAGS} tags or fewer"))
    if any(len(tag) > MAX_TAG_LENGTH for tag in details.tags):
        problems.append(("tags", f"Keep each tag to {MAX_TAG_LENGTH} characters or fewer"))
    if not details.delivery_modes:
        problems.append(("delivery_modes", "Choose at least one way the service is delivered"))
    elif _unknown(details.delivery_modes, vocabulary.DELIVERY_MODES):
        problems.append(("delivery_modes", "Choose delivery modes from the list"))
    if any(slug not in areas.LOCAL_AUTHORITIES for slug in details.local_authorities):
        problems.append(("local_authorities", "Choose local authorities from the list"))
    if any(
        areas.normalise_area(district) != district or district in areas.LOCAL_AUTHORITIES
        for district in details.postcode_districts
    ):
        problems.append(("postcode_districts", "Enter postcode districts like M14 or SK4"))
    remote_only = bool(details.delivery_modes) and set(details.delivery_modes) <= REMOTE_MODES
    if not remote_only and not (details.local_authorities or details.postcode_districts):
        problems.append((
            "local_authorities",
            (
                "Choose at least one local authority or enter a postcode district you cover "
                "(only online or phone services can leave this empty)"
            ),
        ))
    if not details.languages:
        problems.append(("languages", "Choose at least one language the service is offered in"))
    elif _unknown(details.languages, vocabulary.LANGUAGES):
        problems.append(("languages", "Choose languages from the list"))
    if _unknown(details.specialisms, vocabulary.SPECIALISMS):
        problems.append(("specialisms", "Choose specialisms from the list"))
    if details.price_pence is None:
        problems.append(("price_pence", "Enter the price in pounds, like 12 or 12.50"))
    elif details.price_pence < 0:
        problems.append(("price_pence", "The price cannot be less than £0"))
    elif details.price_pence > MAX_PRICE_PENCE:
        problems.append(("price_pence", f"Enter a price of no more than {format_pence(MAX_PRICE_PENCE)}"))
    if details.price_unit not in vocabulary.values(vocabulary.PRICE_UNITS):
        problems.append(("price_unit", "Choose what the price is for: hour, session, item or month"))
    if details.is_group:
        if details.capacity is None:
            problems.append(("capacity", "Enter how many places a group has"))
        elif not 1 <= details.capacity <= MAX_CAPACITY:
            problems.append(("capacity", f"Enter a number of places from 1 to {MAX_CAPACITY}"))
    else:
        if details.capacity is not None:
            problems.append((
                "capacity",
                (
                    "Only group services have a number of places: tick 'This is a group "
                    "service' or clear the number"
                ),
            ))
        if details.poolable:
            problems.append((
                "poolable",
                "Only group services can be pooled: tick 'This is a group service' too",
            ))
    return problems


def _apply_details(service: Service, details: ServiceDetails) -> None:
    problems = find_service_problems(details)
    if problems:
        raise ListingInvalid(problems)
    for name, value in vars(details).items():
        setattr(service, name, list(value) if isinstance(value, list) else value)
    # The main category is already counted; listing it twice would skew facet counts.
    service.secondary_categories = [
        value for value in details.secondary_categories if value != details.category
    ]


def create_service(provider: Provider, details: ServiceDetails) -> Service:
    """List a new, active service for the provider."""
    service = Service(provider=provider, status="active")
    _apply_details(service, details)
    db.session.add(service)
    db.session.flush()
    queue_reindex(service.id)
    return service


def update_service(service: Service, details: ServiceDetails) -> Service:
    _apply_details(service, details)
    db.session.flush()
    queue_reindex(service.id)
    return service


def _move_status(service: Service, to_status: str, refusal: str) -> Service:
    if to_status not in STATUS_TRANSITIONS.get(service.status, set()):
        raise ServiceStatusError(refusal.format(title=service.title))
    service.status = to_status
    db.session.flush()
    queue_reindex(service.id)
    return service


def pause_service(service: Service) -> Service:
    """Hide the service from search and public pages, keeping it to resume later."""
    return _move_status(service, "paused", "“{title}” is already paused.")


def resume_service(service: Service) -> Service:
    return _move_status(service, "active", "“{title}” is already showing in search.")


def count_open_orders(service: Service) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Order.id)).where(
            Order.service_id == service.id, Order.state.in_(OPEN_ORDER_STATES)
        )
    )


def delete_service(service: Service) -> str:
    """Delete a service nobody has ordered; mark one with only finished orders "removed".

    Returns "deleted" or "removed". Raises ServiceHasOpenOrders while any order is open.
    """
    open_orders = count_open_orders(service)
    if open_orders:
        raise ServiceHasOpenOrders(service, open_orders)
    # Queue first: the entry outlives the row, so the index drops the document (a removed
    # service is not active, so the index drops it too).
    queue_reindex(service.id)
    ordered = db.session.scalar(sa.select(Order.id).where(Order.service_id == service.id).limit(1))
    if ordered is not None:
        service.status = "removed"
        db.session.flush()
        return "removed"
    # The open data feed lists the deletion to directories that copied the service.
    note_deleted_service(service.id)
    db.session.delete(service)
    db.session.flush()
    return "deleted"


def get_own_service(owner, service_id: int) -> Service:
    """The service if this user's organisation lists it; NotFound otherwise (never 403, so a
    stranger learns nothing about other providers' listings)."""
    service = db.session.get(Service, service_id)
    if (service is None or service.is_removed
            or service.provider.owner_id != getattr(owner, "id", None)):
        raise NotFound("We could not find that service among your listings.")
    return service


def get_public_service(service_id: int, *, viewer=None) -> Service:
    """An active service; a paused one only for the provider who owns it."""
    service = db.session.get(Service, service_id)
    if service is None or service.is_removed:
        raise NotFound("We could not find that service.")
    if not service.is_active and service.provider.owner_id != getattr(viewer, "id", None):
        raise NotFound("We could not find that service.")
    return service


def set_rating(service: Service, rating_centi: int | None, review_count: int) -> Service:
    """The reviews area's published rating for the service (reviews/rating.py works it out);
    it reaches the search index like any other change to the listing."""
    if (service.rating_centi, service.review_count) == (rating_centi, review_count):
        return service
    service.rating_centi = rating_centi
    service.review_count = review_count
    db.session.flush()
    queue_reindex(service.id)
    return service
