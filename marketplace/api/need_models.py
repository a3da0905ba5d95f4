"""The shapes of the needs API (api/needs.py), as pydantic models: the JSON is built through
them and openapi.py takes their schemas, as for every other shape (models.py).

Two views of a need, never mixed: `Need` for its holder and the supporters they let see it,
and `ProviderNeed` for a provider, which has no field that could hold the holder's name or id
(needs/access.py). Only the provider whose quote the holder ordered gets `ordered_by`, their
name, as every order names its holder; never their email."""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, create_model

from marketplace import areas, vocabulary
from marketplace.api.models import (
    Area,
    Category,
    Day,
    Language,
    Moment,
    PriceUnit,
    Shape,
    Specialism,
    Uri,
    choice_model,
)
from marketplace.api.pool_models import PoolProvider, PoolRequest, PoolService
from marketplace.api.private_models import Id, OrderRequest, Person, RequestBody, RequestDay
from marketplace.needs.forms import TIMING_CHOICES
from marketplace.needs.models import MAX_GROUP, TIMINGS
from marketplace.needs.services import MAX_BUDGET_PENCE, MAX_MESSAGE, MAX_WORDS
from marketplace.pools.services import MAX_SESSIONS

NEED_STATES = [
    ("open", "Open for quotes"),
    ("accepted", "A quote was accepted"),
    ("closed", "Closed"),
    ("expired", "Expired"),
]
QUOTE_STATES = [
    ("live", "Waiting for an answer"),
    ("withdrawn", "Withdrawn by the provider"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
]

NeedState = choice_model("NeedState", NEED_STATES, "Where a need is")
QuoteState = choice_model("QuoteState", QUOTE_STATES, "Where a quote is")
Timing = choice_model("Timing", TIMING_CHOICES, "When the support is needed")


class Quote(Shape):
    """A provider's quote for a need."""

    id: int
    provider: PoolProvider
    service: PoolService = Field(description="The provider's service it is for.")
    price_pence: int = Field(description="The price per price_unit, in pence (GBP).")
    price_unit: PriceUnit  # type: ignore[valid-type]
    sessions: int
    total_pence: int = Field(description="sessions times price_pence.")
    starts_on: Day | None = Field(description="When it would start; null: to agree.")
    expires_on: Day = Field(description="The last day it can be accepted (UK time).")
    expired: bool = Field(description="Past expires_on, so it can no longer be accepted.")
    message: str
    state: QuoteState  # type: ignore[valid-type]
    pool_api_url: Uri | None = Field(description="The pool started from it, once accepted "
                                                 "into one.")
    order_api_url: Uri | None = Field(description="The order placed at its price, once "
                                                  "accepted by ordering it.")
    created_at: Moment


class NeedFacts(Shape):
    """What anyone who may see a need sees: never who posted it."""

    id: int
    url: Uri = Field(description="The need's page for you.")
    api_url: Uri
    words: str = Field(description="What they need, in their own words (plain text).")
    category: Category  # type: ignore[valid-type]
    local_authority: Area
    postcode_district: str | None = Field(description="A district within the authority.")
    language: Language | None = Field(description="Null: any language.")  # type: ignore[valid-type]
    specialism: Specialism | None = Field(  # type: ignore[valid-type]
        description="Who it is especially for; null: not said.")
    timing: Timing  # type: ignore[valid-type]
    budget_low_pence: int = Field(description="The least they expect to spend.")
    budget_high_pence: int = Field(description="The most they could spend.")
    would_pool: bool = Field(description="They would buy it together with others in a pool, "
                                         "so accepting a quote starts a pool.")
    group_size: int = Field(description="How many people it is for.")
    state: NeedState  # type: ignore[valid-type]
    created_at: Moment


class Need(NeedFacts):
    """A need as its holder (or a supporter with 'view') sees it, with every standing quote."""

    holder: Person
    posted_by: Person = Field(description="The holder, or the supporter who posted it.")
    peers_consent: bool = Field(description="They agreed to be told of others near them "
                                            "who need the same.")
    peer_count: int = Field(ge=0, description="Open needs like this one whose holders agreed "
                                              "to be matched too (never who they are).")
    ended_at: Moment | None
    quotes: list[Quote] = Field(description="Every quote not withdrawn, oldest first.")


class OrderedBy(Shape):
    display_name: str


class ProviderNeed(NeedFacts):
    """A need as a provider sees it: no name, no id, nothing of the holder's."""

    my_quote: Quote | None = Field(description="Your quote for it, if you gave one.")
    services: list[PoolService] = Field(description=(
        "Your active services that cover it: one of them is the service_id of a quote. "
        "Empty once the need is no longer open."))
    ordered_by: OrderedBy | None = Field(description=(
        "The holder's name, only once they ordered your quote (as every order names its "
        "holder; the order is my_quote.order_api_url). Otherwise null, and always for a pool, "
        "whose members you see only by the names they choose."))


class NeedList(Shape):
    needs: list[Need]


class ProviderNeedList(Shape):
    needs: list[ProviderNeed]


# ---------------------------------------------------------------- request bodies


def _listed(values: list[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


CATEGORY_VALUES = vocabulary.values(vocabulary.CATEGORIES)
AUTHORITY_VALUES = list(areas.LOCAL_AUTHORITIES)
LANGUAGE_VALUES = vocabulary.values(vocabulary.LANGUAGES)
SPECIALISM_VALUES = vocabulary.values(vocabulary.SPECIALISMS)


class NeedRequest(RequestBody):
    """A need to post."""

    holder_id: Id | None = Field(None, description=(
        "Whose need it is. Needed unless you are the budget holder; a supporter needs their "
        "'buy' permission."))
    words: str = Field(min_length=1, max_length=MAX_WORDS,
                       description="What is needed, in the holder's own words.")
    category: Literal[tuple(CATEGORY_VALUES)]  # type: ignore[valid-type]
    local_authority: Literal[tuple(AUTHORITY_VALUES)]  # type: ignore[valid-type]
    postcode_district: str = Field("", max_length=8, description=(
        "A postcode district within the local authority, like M30 (optional)."))
    language: Literal[tuple([""] + LANGUAGE_VALUES)] = Field(  # type: ignore[valid-type]
        "", description="Empty: any language.")
    specialism: Literal[tuple([""] + SPECIALISM_VALUES)] = Field(  # type: ignore[valid-type]
        "", description="Who it is especially for (optional).")
    timing: Literal[tuple(TIMINGS)] = "any"  # type: ignore[valid-type]
    budget_low_pence: int = Field(ge=0, le=MAX_BUDGET_PENCE)
    budget_high_pence: int = Field(ge=1, le=MAX_BUDGET_PENCE)
    would_pool: bool = Field(False, description="true: accepting a quote starts a pool.")
    group_size: int = Field(1, ge=1, le=MAX_GROUP)
    peers_consent: bool = Field(False, description=(
        "true: tell the holder of others near them who need the same (and them of this one), "
        "never saying who."))

    messages: ClassVar[dict[str, str]] = {
        "holder_id": "'holder_id' must be a whole number, 1 or more.",
        "words": f"'words' must be text of 1 to {MAX_WORDS} characters.",
        "category": f"'category' must be one of {_listed(CATEGORY_VALUES)}.",
        "local_authority": f"'local_authority' must be one of {_listed(AUTHORITY_VALUES)}.",
        "postcode_district": "'postcode_district' must be text of 8 characters or fewer.",
        "language": f"'language' must be empty or one of {_listed(LANGUAGE_VALUES)}.",
        "specialism": f"'specialism' must be empty or one of {_listed(SPECIALISM_VALUES)}.",
        "timing": f"'timing' must be one of {_listed(TIMINGS)}.",
        "budget_low_pence": "'budget_low_pence' must be a whole number of pence from 0 to "
                            f"{MAX_BUDGET_PENCE}.",
        "budget_high_pence": "'budget_high_pence' must be a whole number of pence from 1 to "
                             f"{MAX_BUDGET_PENCE}.",
        "would_pool": "'would_pool' must be true or false.",
        "group_size": f"'group_size' must be a whole number from 1 to {MAX_GROUP}.",
        "peers_consent": "'peers_consent' must be true or false.",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of a need. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the need as a JSON object in the request body."


PRICE_UNIT_VALUES = vocabulary.values(vocabulary.PRICE_UNITS)


class QuoteRequest(RequestBody):
    """A quote to give, or the new terms of the quote you gave."""

    service_id: Id = Field(description="One of your active services that covers the need.")
    price_pence: int = Field(ge=1, le=MAX_BUDGET_PENCE, description="Per price_unit.")
    price_unit: Literal[tuple(PRICE_UNIT_VALUES)]  # type: ignore[valid-type]
    sessions: int = Field(ge=1, le=MAX_SESSIONS)
    expires_on: RequestDay = Field(description="The last day it can be accepted, from "
                                               "tomorrow to three months ahead.")
    starts_on: RequestDay = Field(None, description="From today on; leave out to agree it.")
    message: str = Field("", max_length=MAX_MESSAGE)

    messages: ClassVar[dict[str, str]] = {
        "service_id": "'service_id' must be a whole number, 1 or more.",
        "price_pence": f"'price_pence' must be a whole number of pence from 1 to "
                       f"{MAX_BUDGET_PENCE}.",
        "price_unit": f"'price_unit' must be one of {_listed(PRICE_UNIT_VALUES)}.",
        "sessions": f"'sessions' must be a whole number from 1 to {MAX_SESSIONS}.",
        "expires_on": "'expires_on' must be a date like 2026-04-30.",
        "starts_on": "'starts_on' must be a date like 2026-04-30.",
        "message": f"'message' must be text of {MAX_MESSAGE} characters or fewer.",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of a quote. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the quote as a JSON object in the request body."


#: What accepting a quote into a pool sends: POST /pools without the service and sessions,
#: which the quote fixes, and without holder_id, since the need says whose it is.
POOL_FIELDS = ["budget_id", "display_name", "min_members", "max_members", "closing_date",
               "open_to", "title", "what_it_buys"]
#: What accepting a quote as an order sends: POST /orders without the service and quantity.
ORDER_FIELDS = ["budget_id", "starts_on", "ends_on", "note_to_provider", "outcome_id",
                "outcome_shared"]


def _part_of(model: type[RequestBody], names: list[str], name: str, doc: str,
             unknown_field: str) -> type[RequestBody]:
    """A body of some of another body's fields, declared, explained and refused as it does."""
    words = type(f"_{name}Words", (RequestBody,), {
        "messages": {field: model.messages[field] for field in names},
        "unknown_field": unknown_field, "missing_body": model.missing_body})
    return create_model(name, __base__=words, __doc__=doc, **{
        field: (model.model_fields[field].annotation, model.model_fields[field])
        for field in names})


QuotePoolRequest = _part_of(
    PoolRequest, POOL_FIELDS, "QuotePoolRequest",
    "Accepting a quote for a need to be pooled: the pool it starts, at the quote's price and "
    "sessions, with the holder's own pledge.",
    "'{name}' is not part of a pool started from a quote (the quote fixes the service and "
    "sessions). The fields are: {fields}.")
QuoteOrderRequest = _part_of(
    OrderRequest, ORDER_FIELDS, "QuoteOrderRequest",
    "Accepting a quote for a need not to be pooled: the order it places, at the quote's "
    "price, unit and sessions.",
    "'{name}' is not part of an order from a quote (the quote fixes the service, price and "
    "sessions). The fields are: {fields}.")
