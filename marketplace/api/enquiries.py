"""The enquiries API: start an enquiry about a service (POST /services/<id>/enquiries), the
conversations on your side (GET /enquiries), one of them (GET /enquiries/<id>), and a reply
(POST /enquiries/<id>/messages).

Invariants:
- Every rule lives in marketplace.enquiries (services, access), as for the pages: a
  conversation is seen by its two sides only (and supporters with the holder's 'buy'
  permission); for anyone else it is 404, exactly like one that does not exist. Only holders
  and supporters start one (403 otherwise); a closed one takes no messages (409).
- The provider's view has no field for the holder's id, name or email: it reads `holder`
  as null and the holder as `shown_as`, until the holder shares their details in a message.
- Reading needs the 'read' scope; writing needs 'order' (asking is the first step of buying).
"""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from flask import g, url_for
from pydantic import Field

from marketplace.accounts.permissions import verified_email_required
from marketplace.api import blueprint
from marketplace.api.auth import token_required
from marketplace.api.bodies import read_body, refusals_undone
from marketplace.api.models import Moment, Shape, Uri
from marketplace.api.pool_models import PoolProvider, PoolService
from marketplace.api.private_models import Id, Person, RequestBody
from marketplace.api.serialisers import _utc
from marketplace.enquiries import access, services
from marketplace.enquiries.models import Enquiry as EnquiryRow
from marketplace.enquiries.models import MAX_LABEL, MAX_TEXT
from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.reviews.detectors import SAFEGUARDING_HELP

Side = Literal["holder", "provider"]


class EnquiryMessage(Shape):
    """One message in a conversation (plain text: escape it when you show it)."""

    id: int
    side: Side = Field(description="Which side wrote it.")
    yours: bool = Field(description="You (this token's person) wrote it.")
    kind: Literal["text", "contact"] = Field(
        description="'contact': the holder shared their name and email in it.")
    text: str
    created_at: Moment


class EnquirySummary(Shape):
    """A conversation between a budget holder and a provider about one service."""

    id: int
    url: Uri = Field(description="The conversation's page.")
    api_url: Uri
    service: PoolService
    provider: PoolProvider
    your_side: Side
    holder: Person | None = Field(
        description="The holder, for the holder's side only; null for the provider.")
    shown_as: str = Field(description="What the provider sees instead of the holder's name.")
    state: Literal["open", "closed"]
    closed_by: Side | None = Field(description="Which side closed it; null while open.")
    closed_at: Moment | None
    contact_shared: bool = Field(description="The holder posted their name and email in it.")
    created_at: Moment
    last_message_at: Moment


class Enquiry(EnquirySummary):
    messages: list[EnquiryMessage] = Field(description="Oldest first.")
    safeguarding_help: str | None = Field(
        description="Set only in the answer to a holder's message with words about self-harm, "
                    "suicide or abuse: where to get help now, to show the writer at once. The "
                    "message was sent as written, and a person reads it.")


class EnquiryList(Shape):
    enquiries: list[EnquirySummary] = Field(description="Newest message first.")


class MessageRequest(RequestBody):
    text: str = Field(description=f"Plain text, 1 to {MAX_TEXT} characters.")

    messages: ClassVar[dict[str, str]] = {"text": "'text' must be a string."}
    unknown_field: ClassVar[str] = ("'{name}' is not part of a message. The fields are: "
                                    "{fields}.")
    missing_body: ClassVar[str] = "Send the message as a JSON object in the request body."


class EnquiryRequest(MessageRequest):
    holder_id: Id | None = Field(default=None, description=(
        "Whom it is for: needed unless you are the holder yourself; a supporter needs the "
        "holder's 'buy' permission."))
    shown_as: str | None = Field(default=None, description=(
        f"The name the provider sees, up to {MAX_LABEL} characters; left out: \"A budget "
        "holder\" and their area."))

    messages: ClassVar[dict[str, str]] = {
        "text": "'text' must be a string.", "holder_id": "'holder_id' must be a person's id.",
        "shown_as": "'shown_as' must be a string."}
    unknown_field: ClassVar[str] = ("'{name}' is not part of an enquiry. The fields are: "
                                    "{fields}.")
    missing_body: ClassVar[str] = "Send the enquiry as a JSON object in the request body."


def _summary(enquiry: EnquiryRow, side: str) -> dict[str, Any]:
    closer = None
    if enquiry.closed_by_id is not None:
        closer = "provider" if enquiry.closed_by_id == enquiry.provider.owner_id else "holder"
    return {
        "id": enquiry.id, "url": url_for("enquiries.thread", enquiry_id=enquiry.id,
                                         _external=True),
        "api_url": url_for("api.enquiry", enquiry_id=enquiry.id, _external=True),
        "service": {"id": enquiry.service_id, "title": enquiry.service.title,
                    "api_url": url_for("api.service", service_id=enquiry.service_id,
                                       _external=True)},
        "provider": {"id": enquiry.provider_id, "name": enquiry.provider.name},
        "your_side": side,
        "holder": ({"id": enquiry.holder_id, "display_name": enquiry.holder.display_name}
                   if side == "holder" else None),
        "shown_as": enquiry.holder_label, "state": enquiry.state, "closed_by": closer,
        "closed_at": _utc(enquiry.closed_at) if enquiry.closed_at else None,
        "contact_shared": enquiry.contact_shared_at is not None,
        "created_at": _utc(enquiry.created_at), "last_message_at": _utc(enquiry.last_message_at),
    }


def enquiry_body(seen: access.Seen, *, safeguarding: bool = False) -> dict[str, Any]:
    messages = [EnquiryMessage(
        id=m.id, side=m.side, yours=m.author_id == g.api_user.id, kind=m.kind, text=m.text,
        created_at=_utc(m.created_at)) for m in seen.enquiry.messages]
    return Enquiry(**_summary(seen.enquiry, seen.side), messages=messages,
                   safeguarding_help=SAFEGUARDING_HELP if safeguarding else None).as_json()


@blueprint.post("/services/<int:service_id>/enquiries")
@token_required("order")
@verified_email_required
def start_enquiry(service_id: int):
    services.may_start(g.api_user)
    body = read_body(EnquiryRequest, required=True)
    holder_id = body.holder_id if body.holder_id is not None else g.api_user.id
    with refusals_undone():
        posted, is_new = services.start_enquiry(g.api_user, service_id, holder_id, body.text,
                                                body.shown_as or "")
        db.session.commit()
    seen = access.Seen(posted.message.enquiry, "holder")
    location = url_for("api.enquiry", enquiry_id=seen.enquiry.id, _external=True)
    return (enquiry_body(seen, safeguarding=posted.show_safeguarding_help),
            201 if is_new else 200, {"Location": location})


@blueprint.get("/enquiries")
@token_required("read")
def my_enquiries():
    if g.api_user.role not in access.ROLES:
        raise Forbidden("Only budget holders, their supporters and providers have enquiries.")
    side = "provider" if g.api_user.role == "provider" else "holder"
    return EnquiryList(enquiries=[
        EnquirySummary(**_summary(enquiry, side))
        for enquiry in access.enquiries_of(g.api_user)]).as_json()


@blueprint.get("/enquiries/<int:enquiry_id>")
@token_required("read")
def enquiry(enquiry_id: int):
    return enquiry_body(access.enquiry_for(g.api_user, enquiry_id))


@blueprint.post("/enquiries/<int:enquiry_id>/messages")
@token_required("order")
@verified_email_required
def enquiry_reply(enquiry_id: int):
    access.enquiry_for(g.api_user, enquiry_id)  # 404 before reading the body
    body = read_body(MessageRequest, required=True)
    with refusals_undone():
        posted = services.post_message(g.api_user, enquiry_id, body.text)
        db.session.commit()
    return (enquiry_body(access.enquiry_for(g.api_user, enquiry_id),
                         safeguarding=posted.show_safeguarding_help), 201)

