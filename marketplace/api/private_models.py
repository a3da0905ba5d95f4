"""The shapes behind a personal access token (budgets, statements, orders) and the request
bodies the API reads, as pydantic models: me.py and orders.py build their JSON through them,
read bodies with them (bodies.py), and openapi.py takes its schemas from them.

Invariants: as in models.py, closed and (as responses) every field always sent. A request model
refuses what the hand-written checks refused (strings or true for numbers, unknown fields,
text past its limit) and says so in the words each field's `messages` entry gives.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from marketplace import areas, vocabulary
from marketplace.accounts.models import ROLES
from marketplace.api.models import Category, Day, Moment, Shape, Uri, choice_model
from marketplace.budgets.models import ROUTES, STREAM_KINDS
from marketplace.ids import MAX_BIG_ID, MAX_ID
from marketplace.orders.models import ORDER_STATES
from marketplace.orders.services import MAX_QUANTITY
from marketplace.orders.states import ENDED_LABELS, PERSON_ACTIONS, STATE_LABELS

MAX_NOTE_LENGTH = 2000
#: Order events keep at most this much of a note (orders.services).
MAX_NOTE_LENGTH_ACTION = 1000

FundingStreamKind = choice_model("FundingStreamKind", STREAM_KINDS, "A kind of funding")
Route = choice_model("Route", ROUTES, "How a budget is held")

#: An order's unit: a service's, or "pool_share" for a member's share of a funded pool.
OrderPriceUnit = choice_model("OrderPriceUnit",
                              vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS,
                              "What the price paid for")


def _money(name: str, description: str) -> dict[str, Any]:
    """The two fields of an amount: *_pence (int) and *_display (as people read it)."""
    return {
        f"{name}_pence": (int, Field(description=f"{description}, in pence (GBP).")),
        f"{name}_display": (str, Field(description=f"{description}, as people read it.",
                                       examples=["£12.50"])),
    }


def _moment(description: str) -> str:
    return (f"{description}: a UTC time with an explicit offset, for example "
            "2026-03-31T23:30:00+00:00.")


class Person(Shape):
    id: int
    display_name: str


class FundingStream(Shape):
    id: int
    name: str
    kind: FundingStreamKind  # type: ignore[valid-type]


Role = choice_model("Role", ROLES, "What a person uses Pathways for")
LocalAuthority = choice_model("LocalAuthority", areas.authority_choices(), "A local authority")


class Me(Shape):
    """You, and for a budget holder the home area that decides which open pools you may see
    and join (pools open to your local authority, and those also for a kind of support you
    are interested in). A supporter's pools follow the areas of the people they support."""

    id: int
    display_name: str
    role: Role  # type: ignore[valid-type]
    local_authority: LocalAuthority | None = Field(  # type: ignore[valid-type]
        description="Your home local authority; null when not given.")
    postcode_district: str | None = Field(
        description="Your postcode district inside it, e.g. M6; null when not given. Pools "
                    "for services in your district are listed first.")
    interests: list[Category] = Field(  # type: ignore[valid-type]
        description="Kinds of support you are interested in.")


class Organisation(Shape):
    id: int
    name: str


Instalment = create_model("Instalment", __base__=Shape,
                          due_on=(Day, Field(description="When it is paid in.")),
                          **_money("amount", "How much"))


class SpendingRule(Shape):
    category: Category  # type: ignore[valid-type]
    reason: str = Field(description="Finishes the sentence 'This budget can't be used for this "
                                    "because ...'.")


Budget = create_model(
    "Budget", __base__=Shape, __doc__="One budget with its figures from the ledger.",
    id=(int, ...),
    holder=(Person, ...),
    funding_stream=(FundingStream, ...),
    route=(Route, ...),
    route_display=(str, Field(description="How the money is held, e.g. 'Managed account held "
                                          "by ...'.")),
    managed_by=(Organisation | None, Field(
        description="The organisation holding a managed account.")),
    period_start=(Day, Field(description="The first day of the budget's period.")),
    period_end=(Day, Field(description="The last day of the budget's period.")),
    **_money("planned", "This route's share of the allocation for the whole period"),
    **_money("allocated", "Money paid into the budget so far"),
    **_money("spent", "Money paid to providers (less refunds)"),
    **_money("committed", "Money set aside for orders not yet paid"),
    **_money("available", "Money free to spend now"),
    next_instalment=(Instalment | None, Field(  # type: ignore[operator]
        description="Null when no more instalments are due.")),
    cannot_buy=(list[SpendingRule], Field(description="The funding stream's spending rules.")),
    statement_url=(Uri, Field(description="This budget's statement in the API.")),
)


class BudgetList(Shape):
    budgets: list[Budget]  # type: ignore[valid-type]


StatementRow = create_model(
    "StatementRow", __base__=Shape, __doc__="One movement of money, newest first.",
    transaction_id=(int, ...),
    happened_at=(Moment, Field(description=_moment("When the money moved"))),
    description=(str, ...),
    **_money("money_in", "Money added to what is available"),
    **_money("money_out", "Money taken from what is available"),
    **_money("set_aside_change", "Change in money set aside for orders (negative: released "
                                 "or spent)"),
    **_money("available_after", "Money available just after this movement"),
    done_by=(str, Field(description="Who did it: 'by Sam Patel', 'by Jo on behalf of Sam "
                                    "Patel' or 'automatically by Pathways'.")),
)


class StatementPage(Shape):
    budget_id: int
    rows: list[StatementRow]  # type: ignore[valid-type]
    next_before: int | None = Field(
        description="Pass as 'before' for the next, older, page; null on the last.")
    next_url: Uri | None = Field(description="The next page in the API; null on the last.")


class OrderState(Shape):
    __doc__ = "Where an order is: " + "; ".join(
        f"{value}: {STATE_LABELS[value]}" for value in ORDER_STATES) + (
        ". A cancelled order's label says how it ended: " + "; ".join(
            f"'{label}'" for label in ENDED_LABELS.values()) + " or 'Cancelled'.")

    value: Literal[tuple(ORDER_STATES)]  # type: ignore[valid-type]
    label: str


OrderAction = Literal[tuple(PERSON_ACTIONS)]  # type: ignore[valid-type]


class OrderEvent(Shape):
    """A change to an order, with who made it."""

    from_state: OrderState | None = Field(description="Null for the event that placed the order.")
    to_state: OrderState
    happened_at: Moment = Field(description=_moment("When it happened"))
    actor: Person | None = Field(
        description="Who did it; null when Pathways did it automatically.")
    on_behalf_of: Person | None = Field(
        description="The budget holder, when a supporter acted for them.")
    done_by: str = Field(description="Who did it, as people read it.")
    note: str


class OrderedService(Shape):
    id: int
    title: str = Field(description="The title when ordered.")
    api_url: Uri


class OutcomeServed(Shape):
    id: int
    text: str


Order = create_model(
    "Order", __base__=Shape, __doc__="An order, its money and its history.",
    id=(int, ...),
    url=(Uri, Field(description="The order's page on Pathways.")),
    api_url=(Uri, Field(description="This order in the API.")),
    state=(OrderState, ...),
    route=(Route, ...),
    holder=(Person, ...),
    placed_by=(Person, ...),
    budget_id=(int, ...),
    service=(OrderedService, ...),
    provider=(Organisation, ...),
    quantity=(int, Field(ge=1)),
    price_unit=(OrderPriceUnit, ...),
    **_money("unit_price", "The price per unit when ordered"),
    **_money("total", "quantity times unit price: the money set aside"),
    starts_on=(Day | None, Field(description="When the support starts, if said.")),
    ends_on=(Day | None, Field(description="When the support ends, if said.")),
    note_to_provider=(str, ...),
    outcome=(OutcomeServed | None, Field(
        description="The support-plan outcome it serves. Shown to the holder and the "
                    "supporters who may read their plan, and to the provider only when the "
                    "holder chose to tell them (outcome_shared); otherwise null. Account "
                    "managers and commissioners never see it.")),
    outcome_shared=(bool | None, Field(
        description="Whether the holder chose to tell the provider what this order is for; "
                    "null when you may not see the outcome.")),
    created_at=(Moment, Field(description=_moment("When it was placed"))),
    updated_at=(Moment, Field(description=_moment("When it last changed"))),
    delivered_at=(Moment | None, Field(
        description=_moment("When the provider marked it delivered"))),
    auto_confirm_at=(Moment | None, Field(
        description=_moment("When a delivered order confirms itself"))),
    allowed_actions=(list[OrderAction], Field(description="What you may do to it now.")),
    events=(list[OrderEvent], Field(description="Every change, oldest first.")),
)


# ---------------------------------------------------------------- request bodies


def _a_day(value):
    """Only YYYY-MM-DD text is a day (not a number, nor a time)."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("not a day")
    return date.fromisoformat(value)


RequestDay = Annotated[date | None, BeforeValidator(_a_day)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RequestBody(BaseModel):
    """A JSON object sent to the API. Strict: 4 is a number, "4" and true are not."""

    model_config = ConfigDict(extra="forbid", strict=True)

    #: For each field, what to say when its value is not allowed.
    messages: ClassVar[dict[str, str]] = {}
    #: The message for a field that is not part of the body ({name}).
    unknown_field: ClassVar[str] = "'{name}' is not part of the request."
    #: The message when a body is needed and none was sent.
    missing_body: ClassVar[str] = "Send a JSON object in the request body."


class OrderRequest(RequestBody):
    """An order to place."""

    holder_id: Id | None = Field(None, description=(
        "Whose budget pays. Needed unless you are the budget holder; a supporter needs their "
        "'buy' permission."))
    budget_id: Id = Field(description="One of the holder's budgets.")
    service_id: Id = Field(description="An active service.")
    quantity: int = Field(ge=1, le=MAX_QUANTITY,
                          description="How many of the service's price units.")
    starts_on: RequestDay = Field(None, description="When the support should start (optional).")
    ends_on: RequestDay = Field(
        None, description="When it should end, on or after starts_on (optional).")
    note_to_provider: str | None = Field(None, max_length=MAX_NOTE_LENGTH)
    outcome_id: Id | None = Field(
        None, description="An outcome in the holder's support plan that this serves.")
    outcome_shared: bool = Field(False, description=(
        "true to tell the provider which outcome this order is for (needs outcome_id). "
        "Otherwise only the holder and their supporters see it."))
    quote_id: Id | None = Field(None, description=(
        "A live quote a provider gave for one of the holder's needs (not to be pooled), for "
        "this service: the order is at the quote's price, for exactly its sessions, and "
        "placing it accepts the quote."))
    expected_total_pence: int | None = Field(None, ge=0, le=MAX_BIG_ID, description=(
        "The total you showed the person and they agreed to (optional). If the price has "
        "changed since, the order is refused (409, price_changed) and nothing is set aside."))

    messages: ClassVar[dict[str, str]] = {
        "holder_id": "'holder_id' must be a whole number, 1 or more.",
        "budget_id": "'budget_id' must be a whole number, 1 or more.",
        "service_id": "'service_id' must be a whole number, 1 or more.",
        "outcome_id": "'outcome_id' must be a whole number, 1 or more.",
        "quote_id": "'quote_id' must be a whole number, 1 or more.",
        "outcome_shared": "'outcome_shared' must be true or false.",
        "quantity": f"'quantity' must be a whole number from 1 to {MAX_QUANTITY}.",
        "starts_on": "'starts_on' must be a date like 2026-04-30.",
        "ends_on": "'ends_on' must be a date like 2026-04-30.",
        "note_to_provider": "'note_to_provider' must be text of "
                            f"{MAX_NOTE_LENGTH} characters or fewer.",
        "expected_total_pence": "'expected_total_pence' must be a whole number of pence, "
                                "0 or more.",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of an order. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the order as a JSON object in the request body."


class ActionRequest(RequestBody):
    """Optional detail for an action."""

    note: str | None = Field(None, max_length=MAX_NOTE_LENGTH_ACTION,
                             description="Why, shown in the order's history.")

    messages: ClassVar[dict[str, str]] = {
        "note": f"'note' must be text of {MAX_NOTE_LENGTH_ACTION} characters or fewer.",
    }
    unknown_field: ClassVar[str] = ("'{name}' is not part of an action: the only field an "
                                    "action takes is 'note'.")


AuthoritySlug = Literal[tuple(slug for slug, _ in areas.authority_choices())]  # type: ignore[valid-type]
CategoryValue = Literal[tuple(value for value, _ in vocabulary.CATEGORIES)]  # type: ignore[valid-type]


class MeRequest(RequestBody):
    """A change to your home area and interests (budget holders only). Only the fields sent
    change; null clears one."""

    local_authority: AuthoritySlug | None = Field(  # type: ignore[valid-type]
        None, description="Your home local authority.")
    postcode_district: str | None = Field(
        None, max_length=8, description="A postcode district inside the local authority, "
        "like M6. A full postcode is cut to its district; only the district is kept.")
    interests: list[CategoryValue] | None = Field(  # type: ignore[valid-type]
        None, max_length=len(vocabulary.CATEGORIES),
        description="Every kind of support you are interested in (this replaces the list).")

    messages: ClassVar[dict[str, str]] = {
        "local_authority": "'local_authority' must be one of "
                           + ", ".join(slug for slug, _ in areas.authority_choices())
                           + ", or null.",
        "postcode_district": "'postcode_district' must be a postcode district like M6, or null.",
        "interests": "'interests' must be a list of categories from the API's Category values.",
    }
    unknown_field: ClassVar[str] = ("'{name}' cannot be changed here. The fields are: "
                                    "{fields}.")
    missing_body: ClassVar[str] = "Send the change as a JSON object in the request body."
