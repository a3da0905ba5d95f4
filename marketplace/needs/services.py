"""Posting and closing needs, and providers' quotes for them (docs/needs.md).

Rules kept here: a provider quotes only on an open need it serves (one of its active services
has the need's category and covers its area), with one of those services; one standing quote
per provider per need (the database's partial unique index too), changed or withdrawn only
until the holder answers it. Nothing here gives a provider the holder's name: that happens
only when the holder accepts (needs.answers)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.needs.models import MAX_GROUP, TIMINGS, Need, Quote
from marketplace.notifications.services import notify
from marketplace.pools.services import MAX_SESSIONS
from marketplace.providers.models import Provider, Service
from marketplace.providers.services import clean_text
from marketplace.times import london_today, utcnow

MAX_WORDS = 1000
MAX_MESSAGE = 2000
#: A quote stays open to accept from tomorrow to about three months ahead (London days).
LONGEST_QUOTE_DAYS = 92
#: The highest budget a need may name: far above any real one, so a typo is caught.
MAX_BUDGET_PENCE = 10_000_000


def short_words(words: str, limit: int = 120) -> str:
    return words if len(words) <= limit else words[:limit - 1].rstrip() + "…"


class QuoteRefused(DomainError):
    status = 409
    code = "quote_refused"


@dataclass(frozen=True)
class NeedDetails:
    words: str
    category: str
    local_authority: str
    timing: str
    budget_low_pence: int
    budget_high_pence: int
    postcode_district: str = ""
    language: str = ""
    specialism: str = ""
    would_pool: bool = False
    group_size: int = 1
    peers_consent: bool = False


@dataclass(frozen=True)
class QuoteDetails:
    service_id: int
    price_pence: int
    price_unit: str
    sessions: int
    expires_on: date
    starts_on: date | None = None
    message: str = ""


# ---------------------------------------------------------------- who serves what


def serves(service: Service, need: Need) -> bool:
    """An active service in the need's category covering its area: the whole authority, or
    the need's district (or, when the need names none, any district of the authority)."""
    if not service.is_active or service.category != need.category:
        return False
    covered = areas.expand_served_areas(service.local_authorities or [],
                                        service.postcode_districts or [])
    return (need.postcode_district or need.local_authority) in covered


def services_for(provider: Provider, need: Need) -> list[Service]:
    return [service for service in provider.services if serves(service, need)]


def needs_served_by(provider: Provider) -> list[Need]:
    """Open needs this provider serves, newest first. Only its own services are read, and
    only needs in their categories, so the list stays small."""
    categories = {service.category for service in provider.services if service.is_active}
    if not categories:
        return []
    candidates = db.session.scalars(
        sa.select(Need).where(Need.state == "open", Need.category.in_(categories))
        .order_by(Need.created_at.desc(), Need.id.desc()))
    return [need for need in candidates if services_for(provider, need)]


def standing_quote(provider: Provider, need: Need) -> Quote | None:
    return next((quote for quote in need.standing_quotes
                 if quote.provider_id == provider.id), None)


# ---------------------------------------------------------------- needs


def _checked_need(details: NeedDetails) -> dict:
    words = clean_text(details.words, multiline=True)
    if not words:
        raise DomainError("Say what you need, in your own words", field="words")
    if len(words) > MAX_WORDS:
        raise DomainError(f"Use {MAX_WORDS:,} characters or fewer", field="words")
    if details.category not in vocabulary.values(vocabulary.CATEGORIES):
        raise DomainError("Choose the kind of support", field="category")
    if details.local_authority not in areas.LOCAL_AUTHORITIES:
        raise DomainError("Choose your local authority", field="local_authority")
    district = ""
    if details.postcode_district.strip():
        district = areas.normalise_area(details.postcode_district) or ""
        name = areas.authority_name(details.local_authority)
        if areas.DISTRICT_TO_AUTHORITY.get(district) != details.local_authority:
            raise DomainError(f"Enter a postcode district in {name}, like "
                              f"{areas.LOCAL_AUTHORITIES[details.local_authority][1][0]}, "
                              "or leave it empty", field="postcode_district")
    if details.language and details.language not in vocabulary.values(vocabulary.LANGUAGES):
        raise DomainError("Choose a language from the list", field="language")
    if details.specialism and \
            details.specialism not in vocabulary.values(vocabulary.SPECIALISMS):
        raise DomainError("Choose who it is for from the list", field="specialism")
    if details.timing not in TIMINGS:
        raise DomainError("Choose when you need it", field="timing")
    low, high = details.budget_low_pence, details.budget_high_pence
    if low < 0:
        raise DomainError("Enter an amount of £0 or more", field="budget_low")
    if not 0 < high <= MAX_BUDGET_PENCE:
        raise DomainError("Enter the most you could spend, more than £0 and up to "
                          "£100,000", field="budget_high")
    if low > high:
        raise DomainError("The least must not be more than the most", field="budget_low")
    if not 1 <= details.group_size <= MAX_GROUP:
        raise DomainError(f"Enter a number of people from 1 to {MAX_GROUP}",
                          field="group_size")
    return {"words": words, "category": details.category,
            "local_authority": details.local_authority, "postcode_district": district,
            "language": details.language, "specialism": details.specialism,
            "timing": details.timing,
            "budget_low_pence": low, "budget_high_pence": high,
            "would_pool": details.would_pool, "group_size": details.group_size,
            "peers_consent": details.peers_consent}


def post_need(actor: User, holder_id: int, details: NeedDetails) -> Need:
    """Post a need for the holder; those who agreed to hear about others like it are told."""
    holder = consent.holder_for(actor, holder_id, "buy")
    need = Need(holder_id=holder.id, posted_by_id=actor.id, state="open",
                **_checked_need(details))
    db.session.add(need)
    db.session.flush()
    from marketplace.needs.peers import tell_peers  # peers reads needs; posting starts it

    tell_peers(need)
    return need


def need_to_change(actor: User, need_id: int) -> Need:
    """The need, if this person may act for its holder ("buy"), or NotFound."""
    need = db.session.get(Need, need_id)
    if need is None or not consent.may_act_for(actor, need.holder_id, "buy"):
        raise NotFound("We could not find that need.")
    return need


def close_need(actor: User, need_id: int) -> Need:
    """Close an open need: providers stop seeing it, and each live quote is declined kindly."""
    need = need_to_change(actor, need_id)
    if not need.is_open:
        raise DomainError("This need is no longer open.")
    need.state = "closed"
    need.ended_at = utcnow()
    from marketplace.needs.answers import decline_live_quotes

    decline_live_quotes(need)
    db.session.flush()
    return need


# ---------------------------------------------------------------- quotes


def _provider_of(actor: User) -> Provider:
    provider = actor.provider if actor.role == "provider" else None
    if provider is None:
        raise NotFound("We could not find that need.")
    return provider


def quotable_need(actor: User, need_id: int) -> tuple[Provider, Need]:
    """The need and the actor's provider, if it serves this open need; otherwise NotFound, so
    nobody learns which needs exist outside their area and categories."""
    provider = _provider_of(actor)
    need = db.session.get(Need, need_id)
    if need is None or not need.is_open or not services_for(provider, need):
        raise NotFound("We could not find that need.")
    return provider, need


def _checked_quote(provider: Provider, need: Need, details: QuoteDetails) -> Service:
    service = next((s for s in services_for(provider, need) if s.id == details.service_id),
                   None)
    if service is None:
        raise DomainError("Choose one of your services that covers this need",
                          field="service_id")
    if details.price_pence <= 0:
        raise DomainError("Enter a price of more than £0", field="price")
    if details.price_unit not in vocabulary.values(vocabulary.PRICE_UNITS):
        raise DomainError("Choose what the price is for", field="price_unit")
    if not 1 <= details.sessions <= MAX_SESSIONS:
        raise DomainError(f"Enter a number of sessions from 1 to {MAX_SESSIONS}",
                          field="sessions")
    today = london_today()
    if details.starts_on is not None and details.starts_on < today:
        raise DomainError("Choose a start date from today on, or leave it empty",
                          field="starts_on")
    if not today < details.expires_on <= today + timedelta(days=LONGEST_QUOTE_DAYS):
        raise DomainError("Choose a date from tomorrow to three months ahead",
                          field="expires_on")
    if len(details.message) > MAX_MESSAGE:
        raise DomainError(f"Use {MAX_MESSAGE:,} characters or fewer", field="message")
    return service


def give_quote(actor: User, need_id: int, details: QuoteDetails) -> Quote:
    """Quote for a need, or change the quote already given while it is not answered."""
    provider, need = quotable_need(actor, need_id)
    service = _checked_quote(provider, need, details)
    quote = standing_quote(provider, need)
    if quote is not None and quote.state != "live":
        raise QuoteRefused("This quote has been answered, so it cannot change.")
    is_new = quote is None
    if is_new:
        quote = Quote(provider_id=provider.id, state="live")
    quote.service_id = service.id
    quote.price_pence = details.price_pence
    quote.price_unit = details.price_unit
    quote.sessions = details.sessions
    quote.starts_on = details.starts_on
    quote.message = clean_text(details.message, multiline=True)
    quote.expires_on = details.expires_on
    if is_new:
        quote.need = need  # also in need.quotes, for the rest of this request
        db.session.add(quote)
        notify(need.holder, f"{provider.name} sent a quote for your need: "
               f"“{short_words(need.words)}”. Compare it with any others and answer when "
               "you are ready.", link=f"/needs/{need.id}",
               email_subject="A quote for your need")
    db.session.flush()
    return quote


def withdraw_quote(actor: User, need_id: int) -> Quote:
    provider, need = quotable_need(actor, need_id)
    quote = standing_quote(provider, need)
    if quote is None or quote.state != "live":
        raise QuoteRefused("There is no quote waiting for an answer to withdraw.")
    quote.state = "withdrawn"
    quote.answered_at = utcnow()
    db.session.flush()
    return quote
