"""The shapes of the pools API (api/pools.py), as pydantic models: the JSON is built through
them and openapi.py takes their schemas, as for every other shape (models.py).

Members appear only by the display names they chose; a caller's own shares (or those of
people they may buy for) are listed apart, in `mine`, with their budget and card state. In a
custom-share pool every place's amount is in `shares`, but never who pays which."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from marketplace.api.models import Day, Moment, Shape, Uri, choice_model
from marketplace.api.private_models import (
    MAX_NOTE_LENGTH,
    Id,
    OrderPriceUnit,
    Person,
    RequestBody,
    RequestDay,
    Route,
)
from marketplace.pools.models import MAX_PLACES
from marketplace.pools.services import MAX_SESSIONS

POOL_STATES = [
    ("open", "Taking pledges"),
    ("collecting", "Collecting the shares"),
    ("short", "Waiting for a share"),
    ("funded", "Going ahead: every share is in"),
    ("expired", "Not going ahead: every pledge was given back"),
    ("cancelled", "Cancelled: every pledge was given back"),
]
MEMBER_STATES = [
    ("pledged", "Pledged: money set aside, nothing paid"),
    ("secured", "Secured: approved, or the card is held"),
    ("paid", "Paid: the share order is made"),
    ("failed", "The share did not come in"),
    ("left", "Left the pool"),
    ("released", "Pledge given back"),
]
SHARE_RULES = [
    ("equal", "Equal shares: the target split between the members"),
    ("custom", "Custom shares: each place has its own amount"),
]
OPEN_TO = [
    ("invite", "Only people with the invite link"),
    ("area", "Anyone with a budget who looks at the service"),
    ("area_and_category", "Anyone with a budget interested in that kind of support"),
]

PoolState = choice_model("PoolState", POOL_STATES, "Where a pool is")
MemberState = choice_model("MemberState", MEMBER_STATES, "Where a member's share is")
PoolOpenTo = choice_model("PoolOpenTo", OPEN_TO, "Who may join a pool")
PoolShareRule = choice_model("PoolShareRule", SHARE_RULES, "How a pool's target is shared")


class PoolService(Shape):
    id: int
    title: str
    api_url: Uri


class PoolProvider(Shape):
    id: int
    name: str


class PoolShare(Shape):
    place: int = Field(description="1, 2, 3 ... in the order the starter set them out.")
    share_pence: int = Field(description="What whoever takes this place pays, exactly.")
    taken: bool = Field(description="Someone holds this place (who is never shown).")


class PoolMember(Shape):
    display_name: str = Field(description="The name the member chose; never their own.")
    pledged_pence: int | None = Field(description=(
        "The most they can pay: what is set aside. Null with custom shares, where who pays "
        "which share is not shown (see `shares`)."))
    share_pence: int | None = Field(description=(
        "What they pay, once the pool is collecting. Null with custom shares."))
    state: MemberState  # type: ignore[valid-type]


class MyShare(Shape):
    member_id: int = Field(description="This share; send it to leave for someone you support.")
    holder: Person
    display_name: str
    budget_id: int
    route: Route  # type: ignore[valid-type]
    pledged_pence: int
    share_pence: int | None
    state: MemberState  # type: ignore[valid-type]
    card_saved: bool = Field(description="Direct payments: a card is saved for the share. "
                                         "Cards are saved on the pool's page.")
    card_problem: str = Field(description="What went wrong with the card, in plain words.")
    order_id: int | None = Field(description="The share order, once the pool is funded.")


class Pool(Shape):
    id: int
    url: Uri = Field(description="The pool's page.")
    api_url: Uri
    invite_url: Uri | None = Field(description=(
        "The invite link: only in the answer to the request that started the pool (it is "
        "kept hashed), otherwise null."))
    title: str
    what_it_buys: str
    service: PoolService
    provider: PoolProvider
    sessions: int
    unit_price_pence: int
    price_unit: OrderPriceUnit  # type: ignore[valid-type]
    target_pence: int = Field(description="The total: sessions times the unit price.")
    share_rule: PoolShareRule  # type: ignore[valid-type]
    shares: list[PoolShare] = Field(description=(
        "Custom shares: every place and its amount, adding up to the target. Empty for equal "
        "shares."))
    most_anyone_pays_pence: int = Field(description=(
        "The largest share: equal shares, the target split over min_members (more members, "
        "smaller shares); custom shares, the largest place."))
    pledged_pence: int = Field(description="What the live members have set aside.")
    min_members: int
    max_members: int
    places_taken: int
    places_left: int
    closing_date: Day = Field(description="The last day for pledges (UK time).")
    state: PoolState  # type: ignore[valid-type]
    open_to: PoolOpenTo  # type: ignore[valid-type]
    members: list[PoolMember]
    mine: list[MyShare]
    created_at: Moment


class PoolList(Shape):
    pools: list[Pool]


# ---------------------------------------------------------------- request bodies


class PledgeRequest(RequestBody):
    """A pledge: whose budget pays the share, and the name the other members see."""

    holder_id: Id | None = Field(None, description=(
        "Whose budget pays. Needed unless you are the budget holder; a supporter needs their "
        "'buy' permission."))
    budget_id: Id = Field(description="One of the holder's budgets.")
    display_name: str = Field(min_length=1, max_length=60, description=(
        "The only name other members (and the provider) see."))
    share_pence: int | None = Field(None, description=(
        "Custom-share pools only, and needed there: the amount of the open place you take "
        "(one of `shares` not yet taken), which is all you can ever pay. Starting a pool: "
        "your own share, one of shares_pence (the first if left out)."))

    messages: ClassVar[dict[str, str]] = {
        "holder_id": "'holder_id' must be a whole number, 1 or more.",
        "budget_id": "'budget_id' must be a whole number, 1 or more.",
        "display_name": "'display_name' must be text of 1 to 60 characters.",
        "share_pence": "'share_pence' must be a whole number of pence, like 4000.",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of a pledge. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the pledge as a JSON object in the request body."


class PoolRequest(PledgeRequest):
    """A pool to start, with the starter's own pledge."""

    service_id: Id = Field(description="An active service its provider said can be pooled.")
    sessions: int = Field(ge=1, le=MAX_SESSIONS, description="How many of the service's units.")
    min_members: int | None = Field(None, ge=2, le=MAX_PLACES, description=(
        "Equal shares (needed): the fewest it goes ahead with."))
    max_members: int | None = Field(None, ge=2, le=MAX_PLACES, description=(
        "Equal shares (needed): the most who can join."))
    shares_pence: list[int] | None = Field(None, description=(
        "Custom shares: one amount in whole pence for each place, from 2 to "
        f"{MAX_PLACES} places (no more than the provider takes), each 1 or more, adding up "
        "to exactly the target (sessions times the service's price). The pool then goes "
        "ahead only when every place is taken; min_members and max_members are left out."))
    closing_date: RequestDay = Field(description="The last day for pledges, from tomorrow to "
                                                 "six months ahead.")
    open_to: Literal["invite", "area"] = Field("invite", description="Who may join.")
    title: str = Field("", max_length=160)
    what_it_buys: str = Field("", max_length=MAX_NOTE_LENGTH)

    messages: ClassVar[dict[str, Any]] = {
        **PledgeRequest.messages,
        "service_id": "'service_id' must be a whole number, 1 or more.",
        "sessions": f"'sessions' must be a whole number from 1 to {MAX_SESSIONS}.",
        "min_members": f"'min_members' must be a whole number from 2 to {MAX_PLACES}.",
        "max_members": f"'max_members' must be a whole number from 2 to {MAX_PLACES}.",
        "shares_pence": "'shares_pence' must be a list of whole numbers of pence, like "
                        "[4000, 4000, 2000].",
        "closing_date": "'closing_date' must be a date like 2026-04-30.",
        "open_to": "'open_to' must be 'invite' or 'area'.",
        "title": "'title' must be text of 160 characters or fewer.",
        "what_it_buys": f"'what_it_buys' must be text of {MAX_NOTE_LENGTH} characters or fewer.",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of a pool. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the pool as a JSON object in the request body."


class LeaveRequest(RequestBody):
    """Optional: which share to give back, when you act for more than one person."""

    member_id: Id | None = Field(None, description="One of `mine` in the pool.")

    messages: ClassVar[dict[str, str]] = {
        "member_id": "'member_id' must be a whole number, 1 or more."}


class GroupActionRequest(RequestBody):
    """The provider's optional note (a reason, when declining)."""

    note: str | None = Field(None, max_length=1000)

    messages: ClassVar[dict[str, str]] = {
        "note": "'note' must be text of 1000 characters or fewer."}
