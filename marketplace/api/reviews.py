"""The reviews API: a service's published reviews (GET /services/<id>/reviews, open data), the
author's review of an order (GET, POST, PATCH and DELETE /orders/<id>/review), the provider's
reply (POST, PUT or PATCH /reviews/<id>/reply) and reports (POST /reviews/<id>/reports).

Invariants:
- Every rule lives in marketplace.reviews (services, replies, reports), the same calls the
  pages make; this module reads bodies (api.bodies into api.review_models) and builds every
  answer through review_models.
- An order the caller may not review, a review the caller's provider did not receive, or one
  that does not show is 404, exactly like one that does not exist. A duplicate (a second
  review, reply or report) is 409; a value outside the rules is 400 naming the field.
"""
from __future__ import annotations

from typing import Any

from flask import g, request, url_for

from marketplace.accounts.permissions import verified_email_required
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body, refusals_undone
from marketplace.api.review_models import (
    MAX_PAGE,
    PAGE_SIZE,
    REPLY_STATES,
    REPORT_STATES,
    REVIEW_STATES,
    MyReview,
    PublicReview,
    Reply,
    ReplyRequest,
    Report,
    ReportRequest,
    ReviewRequest,
    ServiceReviewPage,
)
from marketplace.api.serialisers import _utc, choice
from marketplace.api.services import SERVICE_NOT_FOUND
from marketplace.errors import DomainError, Forbidden, InvalidParameter, NotFound
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.reviews import moderation, replies, reports, services
from marketplace.reviews.forms import HELPED_CHOICES
from marketplace.reviews.models import REPORT_REASONS, Review, ReviewReply, ReviewReport


class AlreadyReviewed(DomainError):
    status = 409
    code = "already_reviewed"


def _when(moment) -> str | None:
    return _utc(moment) if moment else None


# ---------------------------------------------------------------- the shapes


def public_review_body(review: Review, provider_name: str) -> dict[str, Any]:
    reply = replies.shown_reply(review)
    return PublicReview(
        id=review.id, stars=review.stars, helped=choice(HELPED_CHOICES, review.helped),
        text=review.text, author=review.author_label,
        written_on_behalf=review.written_by_id != review.holder_id, verified_purchase=True,
        published_at=_utc(review.published_at),
        reply={"provider_name": provider_name, "text": reply.text,
               "replied_at": _utc(reply.replied_at), "updated_at": _utc(reply.updated_at)}
        if reply else None,
    ).as_json()


def my_review_body(review: Review) -> dict[str, Any]:
    decision = moderation.last_decision(review)
    said = decision.reason if decision and review.state == "rejected" and decision.reason \
        else None
    return MyReview(
        id=review.id, order_id=review.order_id, service_id=review.service_id,
        stars=review.stars, helped=choice(HELPED_CHOICES, review.helped), text=review.text,
        shown_as=review.shown_as, state=choice(REVIEW_STATES, review.state),
        shows_from=_when(review.hold_until) if review.on_short_hold else None,
        moderator_said=said, published_at=_when(review.published_at),
        created_at=_utc(review.created_at), updated_at=_utc(review.updated_at),
    ).as_json()


def reply_body(reply: ReviewReply) -> dict[str, Any]:
    decision = replies.last_reply_decision(reply)
    said = decision.reason if decision and reply.state == "rejected" else None
    return Reply(
        id=reply.id, review_id=reply.review_id, text=reply.text,
        state=choice(REPLY_STATES, reply.state), moderator_said=said,
        replied_at=_utc(reply.replied_at), updated_at=_utc(reply.updated_at),
        published_at=_when(reply.published_at),
    ).as_json()


def report_body(filed: ReviewReport) -> dict[str, Any]:
    return Report(
        id=filed.id, review_id=filed.review_id, reason=choice(REPORT_REASONS, filed.reason),
        words=filed.words, state=choice(REPORT_STATES, filed.state),
        created_at=_utc(filed.created_at),
    ).as_json()


# ---------------------------------------------------------------- a service's reviews


def _page_number() -> int:
    raw = request.args.get("page", "").strip() or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise InvalidParameter("page", f"'page' must be a whole number from 1 to {MAX_PAGE}.")
    return int(raw)


@blueprint.get("/services/<int:service_id>/reviews")
def service_reviews(service_id: int):
    service = db.session.get(Service, service_id)
    if service is None or not service.is_active:
        raise NotFound(SERVICE_NOT_FOUND)
    page = _page_number()
    found = services.service_reviews(service.id, newest=PAGE_SIZE, skip=(page - 1) * PAGE_SIZE)
    return ServiceReviewPage(
        service_id=service.id, rating_centi=service.rating_centi,
        review_count=found.count, helped_percent=found.helped_percent, page=page,
        page_size=PAGE_SIZE, pages=max(1, -(-found.count // PAGE_SIZE)),
        reviews=[public_review_body(review, service.provider.name) for review in found.newest],
    ).as_json()


# ---------------------------------------------------------------- the author's review


def _details(body: ReviewRequest, review: Review | None) -> services.ReviewDetails:
    """The body's answers, over the review's when editing; the rules are in submit_review."""
    def kept(name: str, default=None):
        value = getattr(body, name)
        return value if value is not None else getattr(review, name, default)

    return services.ReviewDetails(stars=kept("stars"), helped=kept("helped"),
                                  text=kept("text"), shown_as=kept("shown_as", "name"))


def _review_of(order_id: int):
    """The order the caller may review, and its review (NotFound when there is none)."""
    order = services.reviewable_order(g.api_user, order_id)
    review = services.review_of(order.id)
    if review is None:
        raise NotFound("You have not reviewed this order yet. POST a review to write one.")
    return order, review


@blueprint.get("/orders/<int:order_id>/review")
@token_required("read")
def my_review(order_id: int):
    return my_review_body(_review_of(order_id)[1])


@blueprint.post("/orders/<int:order_id>/review")
@token_required("order")
@verified_email_required
def write_review(order_id: int):
    order = services.reviewable_order(g.api_user, order_id)
    if services.review_of(order.id) is not None:
        raise AlreadyReviewed("This order has a review already: there is one per order. "
                              "Change it with PATCH.")
    body = read_body(ReviewRequest, required=True)
    with refusals_undone():
        written = services.submit_review(g.api_user, order, _details(body, None))
        db.session.commit()
    location = url_for("api.my_review", order_id=order.id, _external=True)
    return my_review_body(written.review), 201, {"Location": location}


@blueprint.patch("/orders/<int:order_id>/review")
@token_required("order")
def edit_review(order_id: int):
    order, review = _review_of(order_id)
    body = read_body(ReviewRequest, required=True)
    with refusals_undone():
        written = services.submit_review(g.api_user, order, _details(body, review))
        db.session.commit()
    return my_review_body(written.review)


@blueprint.delete("/orders/<int:order_id>/review")
@token_required("order")
def withdraw_review(order_id: int):
    order = services.reviewable_order(g.api_user, order_id)
    with refusals_undone():
        review = services.withdraw_review(order)
        db.session.commit()
    return my_review_body(review)


# ---------------------------------------------------------------- replies and reports


def _providers_only() -> None:
    if g.api_user.role != "provider":
        raise Forbidden("Only the provider of the reviewed service replies to a review.")


def _write_reply(review_id: int, *, new: bool):
    """POST writes the reply (201), PUT or PATCH changes it: the same rule as the page."""
    _providers_only()
    replies.answerable_review(g.api_user, review_id)
    body = read_body(ReplyRequest, required=True)
    with refusals_undone():
        written = replies.reply_to(g.api_user, review_id, body.text, new=new)
        db.session.commit()
    return reply_body(written), 201 if new else 200


@blueprint.post("/reviews/<int:review_id>/reply")
@token_required("order")
def review_reply(review_id: int):
    return _write_reply(review_id, new=True)


@blueprint.route("/reviews/<int:review_id>/reply", methods=["PUT", "PATCH"])
@token_required("order")
def edit_reply(review_id: int):
    return _write_reply(review_id, new=False)


@blueprint.post("/reviews/<int:review_id>/reports")
@token_required("order")
def report(review_id: int):
    reports.reportable_review(review_id)
    body = read_body(ReportRequest, required=True)
    with refusals_undone():
        filed = reports.report(g.api_user, review_id, body.reason, body.words)
        db.session.commit()
    return report_body(filed), 201
