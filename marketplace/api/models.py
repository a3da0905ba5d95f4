"""The public shapes of the API (services, providers, search results, errors), written once as
pydantic models: serialisers.py builds its JSON through them and openapi.py takes its schemas
from them, so the two cannot drift.

Invariants: every model is closed (extra="forbid": additionalProperties false) and, as a
response, lists every field as required (a field with a default is still always sent); the
allowed values of each vocabulary come from marketplace.vocabulary and marketplace.areas.
The private shapes (budgets, statements, orders, request bodies) are in private_models.py.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from marketplace import areas, vocabulary

#: A link: a plain string in Python, {"type": "string", "format": "uri"} in the document.
Uri = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
#: A UTC time with an explicit offset (times.iso_utc), and a UK day (YYYY-MM-DD).
Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Count = Annotated[int, Field(ge=0)]


class Shape(BaseModel):
    """A response body or part of one: closed, and every field always present."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _one_of(values: list[str]) -> Any:
    return Literal[tuple(values)]


def choice_model(name: str, choices: list[tuple[str, str]], what: str) -> type[Shape]:
    """{"value", "label"}: a stable value of this vocabulary and its plain-English label."""
    return create_model(
        name, __base__=Shape, __doc__=f"{what}: a stable value and its plain-English label.",
        value=(_one_of(vocabulary.values(choices)), ...), label=(str, ...),
    )


def area_values() -> list[str]:
    slugs = [slug for slug, _ in areas.authority_choices()]
    return slugs + sorted(areas.DISTRICT_TO_AUTHORITY)


Category = choice_model("Category", vocabulary.CATEGORIES, "A category of support")
ProviderType = choice_model("ProviderType", vocabulary.PROVIDER_TYPES, "A kind of provider")
DeliveryMode = choice_model("DeliveryMode", vocabulary.DELIVERY_MODES, "How it is delivered")
Language = choice_model("Language", vocabulary.LANGUAGES, "A language it is offered in")
Specialism = choice_model("Specialism", vocabulary.SPECIALISMS, "Who it is especially for")
PriceUnit = choice_model("PriceUnit", vocabulary.PRICE_UNITS, "What the price pays for")


#: A postcode district in any area (providers may serve districts outside Greater Manchester).
DISTRICT_PATTERN = r"^[A-Z]{1,2}[0-9][0-9A-Z]?$"


class Area(Shape):
    """A local authority (slug) or postcode district, with its name."""

    # Checked as text only: a district a provider typed is valid even if not in our list.
    value: Annotated[str, WithJsonSchema({"type": "string", "anyOf": [
        {"enum": area_values()}, {"pattern": DISTRICT_PATTERN}]})]
    label: str


class Badge(Shape):
    code: Literal["ulo", "micro", "pool"]
    label: str


class ProviderSummary(Shape):
    id: int
    name: str
    provider_type: ProviderType  # type: ignore[valid-type]
    is_user_led: bool = Field(description="A user-led organisation (ULO).")
    is_micro: bool = Field(description="A micro-provider "
                           f"({vocabulary.MICRO_PROVIDER_SIZE}).")
    url: Uri = Field(description="The provider's page on Pathways.")
    api_url: Uri = Field(description="This provider in the API.")


class ServiceSummary(Shape):
    """A service as it appears in a list."""

    id: int
    title: str
    summary: str = Field(description="The start of the description, plain text.")
    url: Uri = Field(description="The service's page on Pathways.")
    api_url: Uri = Field(description="This service in the API.")
    category: Category  # type: ignore[valid-type]
    price_pence: int = Field(ge=0, description="Price in pence (GBP) per price_unit.")
    price_unit: PriceUnit  # type: ignore[valid-type]
    price_display: str = Field(description="The price as people read it.",
                               examples=["£15.00 per session"])
    areas: list[Area] = Field(description="Local authorities and postcode districts served.")
    delivery_modes: list[DeliveryMode]  # type: ignore[valid-type]
    languages: list[Language]  # type: ignore[valid-type]
    evenings: bool
    weekends: bool
    poolable: bool = Field(description="People can club their budgets together to buy it.")
    rating_centi: int | None = Field(
        ge=0, le=500, description="Average rating times 100 (0 to 500); null until rated.")
    review_count: Count
    rating_display: str = Field(description="The rating as people read it, or 'Not yet rated'.")
    badges: list[Badge]
    provider: ProviderSummary


class ServiceDetail(ServiceSummary):
    """Everything public about one service."""

    description: str
    secondary_categories: list[Category]  # type: ignore[valid-type]
    tags: list[str]
    specialisms: list[Specialism]  # type: ignore[valid-type]
    accessibility: str
    schedule: str = Field(description="When it runs, in the provider's words.")
    is_group: bool
    capacity: int | None = Field(
        ge=1, description="Places per group session; null for one-to-one services.")
    updated_at: Moment = Field(
        description="When the listing last changed: UTC with an explicit offset.")


class Contact(Shape):
    name: str
    email: str
    phone: str
    website: str


class ProviderDetail(ProviderSummary):
    description: str
    user_led_statement: str = Field(
        description="How people who use the services control the board.")
    staff_count: Count
    dbs_checked_on: Day | None = Field(description="Date of the latest DBS check (YYYY-MM-DD).")
    has_insurance: bool
    insurance_details: str
    insurance_expires_on: Day | None = Field(description="YYYY-MM-DD")
    cqc_registration_number: str = Field(
        description="Care Quality Commission number, if regulated.")
    contact: Contact
    local_authority: Area | None = Field(description="Where the provider is based.")
    postcode_district: str | None = Field(description="Postcode district it is based in.")
    services: list[ServiceSummary] = Field(description="Its active services.")


class FacetValue(Shape):
    value: str
    label: str
    count: Count = Field(description="How many results have this value.")
    selected: bool = Field(description="This value is in the query.")


FACET_NAMES = ["category", "area", "mode", "language", "provider_type", "max_price",
               "min_rating", "ulo", "micro", "evenings", "weekends", "poolable", "free"]
Facets = create_model(
    "Facets", __base__=Shape,
    __doc__="Counts per filter value; booleans have the single value 'true'.",
    **{name: (list[FacetValue], ...) for name in FACET_NAMES},
)


class FilterWord(Shape):
    word: str = Field(description="The word or phrase as typed.", examples=["Urdu"])
    parameter: str = Field(description="The search parameter it set.", examples=["language"])
    value: str = Field(description="The value it set.", examples=["ur"])


class SearchResults(Shape):
    results: list[ServiceSummary]
    total: Count = Field(description="Results on all pages.")
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    pages: int = Field(ge=1)
    facets: Facets  # type: ignore[valid-type]
    suggestion: str | None = Field(description="A corrected query to offer ('did you mean').")
    matched_every_word: Count = Field(
        description="How many results match every word searched; the rest (after them) "
                    "match most of the words.")
    filter_words: list[FilterWord] = Field(
        description="Words of q read as filters ('Urdu', 'evenings', 'free'); send "
                    "exact=true, or put the word in double quotes, to search for it as text.")
    corrected: str | None = Field(
        description="Nothing matched the words searched, so these are the results for this "
                    "corrected spelling; send exact=true for the words as typed.")


# ---------------------------------------------------------------- errors

#: Everything an error can name: search parameters, the other query parameters, the
#: Idempotency-Key header, the request body as a whole ('body') and the body's fields.
SEARCH_PARAMETER_NAMES = ["q", "category", "area", "mode", "language", "max_price",
                          "min_rating", "provider_type", "ulo", "micro", "evenings",
                          "weekends", "poolable", "free", "exact", "sort", "page"]
PRIVATE_PARAMETER_NAMES = ["budget_id", "before", "page_size", "Idempotency-Key", "body",
                           "holder_id", "service_id", "quantity", "starts_on", "ends_on",
                           "note_to_provider", "outcome_id", "outcome_shared", "expected_total_pence",
                           "note", "quote_id"]
#: The pools API's fields and parameters (api/pool_models.py).
POOL_PARAMETER_NAMES = ["sessions", "min_members", "max_members", "closing_date", "open_to",
                        "title", "what_it_buys", "display_name", "member_id", "invite",
                        "shares_pence", "share_pence"]
#: The needs API's fields (api/need_models.py), besides those named above.
NEED_PARAMETER_NAMES = ["words", "local_authority", "postcode_district", "timing",
                        "budget_low_pence", "budget_high_pence", "would_pool", "group_size",
                        "peers_consent", "price_pence", "price_unit", "expires_on", "message",
                        "specialism"]
#: The enquiries API's fields (api/enquiries.py), besides those named above.
ENQUIRY_PARAMETER_NAMES = ["text", "shown_as"]
#: The reviews API's fields (api/review_models.py), besides those named above.
REVIEW_PARAMETER_NAMES = ["stars", "helped", "reason"]
#: A holder's home area (PATCH /me, api/private_models.MeRequest).
ME_PARAMETER_NAMES = ["local_authority", "postcode_district", "interests"]


class ErrorDetail(Shape):
    # 'parameter' is left out when no one thing was wrong, so it alone is optional.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=False)

    code: str = Field(pattern="^[a-z_]+$", description="A stable machine-readable code.",
                      examples=["invalid_parameter", "not_found"])
    message: str = Field(description="What went wrong, in plain English.")
    parameter: _one_of(SEARCH_PARAMETER_NAMES + PRIVATE_PARAMETER_NAMES
                       + POOL_PARAMETER_NAMES + NEED_PARAMETER_NAMES
                       + ME_PARAMETER_NAMES + ENQUIRY_PARAMETER_NAMES
                       + REVIEW_PARAMETER_NAMES) = Field(  # type: ignore[valid-type]
        None, description="The query parameter, header (Idempotency-Key), request body "
        "field, or 'body' for the request body as a whole, that was wrong, when one was.",
        json_schema_extra=lambda schema: schema.pop("default", None))


class Error(Shape):
    """Every error response has this body."""

    error: ErrorDetail
