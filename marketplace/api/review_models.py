"""The shapes of the reviews API (api/reviews.py), as pydantic models: the JSON is built through
them and openapi.py takes their schemas, as for every other shape (models.py).

Three views: `PublicReview` for anyone (published reviews only, with the provider's published
reply; never the holder's id or outcome), `MyReview` for its author, and `Reply` / `Report`
for the provider and the reporter. The rules on the values (1 to 5 stars, the lengths) live in
marketplace.reviews and are refused from there; the request schemas only state them."""
from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, WithJsonSchema

from marketplace.api.models import Moment, Shape, choice_model
from marketplace.api.private_models import RequestBody
from marketplace.reviews.forms import HELPED_CHOICES, SHOWN_AS_CHOICES
from marketplace.reviews.models import MAX_REPLY, MAX_REPORT_WORDS, MAX_TEXT, REPORT_REASONS

REVIEW_STATES = [
    ("held", "Waiting before it shows"),
    ("published", "Shows on the service's page"),
    ("rejected", "Not published, or removed by a moderator"),
    ("withdrawn", "Withdrawn by its author"),
]
REPLY_STATES = [
    ("held", "Waiting for a person to check it"),
    ("published", "Shows under the review"),
    ("rejected", "Not published"),
]
REPORT_STATES = [
    ("open", "Waiting for a moderator; the review keeps showing"),
    ("kept", "A moderator kept the review"),
    ("removed", "A moderator removed the review"),
]
PAGE_SIZE = 20
MAX_PAGE = 1000

Helped = choice_model("Helped", HELPED_CHOICES, "Did it help with what matters to them")
ReviewState = choice_model("ReviewState", REVIEW_STATES, "Where a review is")
ReplyState = choice_model("ReplyState", REPLY_STATES, "Where a reply is")
ReportReason = choice_model("ReportReason", REPORT_REASONS, "Why a review was reported")
ReportState = choice_model("ReportState", REPORT_STATES, "Where a report is")

Stars = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5})]


def _text(most: int, least: int = 0):
    return Annotated[str, WithJsonSchema({"type": "string", "minLength": least,
                                          "maxLength": most})]


def _one_of(choices):
    return Annotated[str, WithJsonSchema({"type": "string",
                                          "enum": [value for value, _ in choices]})]


class PublicReply(Shape):
    """The provider's reply, as anyone reads it under the review."""

    provider_name: str
    text: str = Field(description="Plain text: escape it when you show it.")
    replied_at: Moment = Field(description="When the provider first replied.")
    updated_at: Moment


class PublicReview(Shape):
    """A published review, as anyone reads it on the service's page."""

    id: int
    stars: int
    helped: Helped  # type: ignore[valid-type]
    text: str = Field(description="Plain text, as written: escape it when you show it.")
    author: str = Field(description="The holder's display name, or 'Anonymous'.")
    written_on_behalf: bool = Field(description="Written by a supporter for the holder.")
    verified_purchase: bool = Field(description="Always true: only people who bought the "
                                                "service through Pathways can review it.")
    published_at: Moment
    reply: PublicReply | None


class ServiceReviewPage(Shape):
    """One page of a service's published reviews, newest first."""

    service_id: int
    rating_centi: int | None = Field(description="The Bayesian average of the stars times "
                                                 "100; null: not yet rated.")
    review_count: int
    helped_percent: int | None = Field(description="Share who said it helped (yes), 0-100.")
    page: int
    page_size: int
    pages: int
    reviews: list[PublicReview]


class MyReview(Shape):
    """Your review of an order, as you see it."""

    id: int
    order_id: int
    service_id: int
    stars: int
    helped: Helped  # type: ignore[valid-type]
    text: str
    shown_as: str = Field(description="'name' or 'anonymous'.")
    state: ReviewState  # type: ignore[valid-type]
    shows_from: Moment | None = Field(description="A 1 or 2 star review waits until then so "
                                                  "the provider can reply first.")
    moderator_said: str | None = Field(description="Why a moderator did not publish it, or "
                                                   "removed it.")
    published_at: Moment | None
    created_at: Moment
    updated_at: Moment


class Reply(Shape):
    """The provider's reply, as the provider sees it."""

    id: int
    review_id: int
    text: str
    state: ReplyState  # type: ignore[valid-type]
    moderator_said: str | None
    replied_at: Moment = Field(description="When it was first written; kept through edits.")
    updated_at: Moment
    published_at: Moment | None


class Report(Shape):
    """A report you made of a published review."""

    id: int
    review_id: int
    reason: ReportReason  # type: ignore[valid-type]
    words: str
    state: ReportState  # type: ignore[valid-type]
    created_at: Moment


class ReviewRequest(RequestBody):
    """A review of a confirmed order (POST), or the fields to change (PATCH)."""

    stars: Stars | None = None
    helped: _one_of(HELPED_CHOICES) | None = None  # type: ignore[valid-type]
    text: _text(MAX_TEXT, 1) | None = None  # type: ignore[valid-type]
    shown_as: _one_of(SHOWN_AS_CHOICES) | None = None  # type: ignore[valid-type]

    messages: ClassVar[dict[str, str]] = {
        "stars": "Choose from 1 to 5 stars", "helped": "Choose yes, partly or no",
        "text": "Write a few sentences about it", "shown_as": "Choose how your review is shown",
    }
    unknown_field: ClassVar[str] = "'{name}' is not part of a review. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the review as a JSON object in the request body."


class ReplyRequest(RequestBody):
    text: _text(MAX_REPLY, 1)  # type: ignore[valid-type]

    messages: ClassVar[dict[str, str]] = {"text": "Write your reply as text."}
    unknown_field: ClassVar[str] = "'{name}' is not part of a reply. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the reply as a JSON object: {\"text\": ...}."


class ReportRequest(RequestBody):
    reason: _one_of(REPORT_REASONS)  # type: ignore[valid-type]
    words: _text(MAX_REPORT_WORDS) = ""  # type: ignore[valid-type]

    messages: ClassVar[dict[str, str]] = {"reason": "Choose why you are reporting it",
                                          "words": "Say more as text."}
    unknown_field: ClassVar[str] = "'{name}' is not part of a report. The fields are: {fields}."
    missing_body: ClassVar[str] = "Send the report as a JSON object in the request body."


#: For openapi.py's components.
RESPONSES = [ServiceReviewPage, MyReview, Reply, Report]
REQUESTS = [ReviewRequest, ReplyRequest, ReportRequest]
