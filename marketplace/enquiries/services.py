"""Starting an enquiry, writing in it, sharing contact details, closing it, and reporting a
message. The pages and the API both call these; access.py says who is on which side.

Privacy: the provider side reads the holder only as the enquiry's holder_label (a name the
holder chose for it, or "A budget holder in <area>") until the holder posts their contact
details into the conversation themselves (share_contact). Emails and notifications to the
provider use the label too.

Safeguarding: a holder-side message with safeguarding words is posted as usual (never
blocked) and flagged for a person (moderation.py); the caller shows the writer
SAFEGUARDING_HELP at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import areas
from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.enquiries.access import SCOPE, Seen, enquiry_for
from marketplace.enquiries.models import (
    MAX_LABEL,
    MAX_REASON,
    MAX_TEXT,
    Enquiry,
    EnquiryMessage,
    EnquiryReport,
)
from marketplace.errors import DomainError, Forbidden, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.providers.models import Service
from marketplace.reviews import detectors
from marketplace.times import utcnow

BUYER_ROLES = ("holder", "supporter")


class EnquiryClosed(DomainError):
    status = 409
    code = "enquiry_closed"


class AlreadyReported(DomainError):
    status = 409
    code = "already_reported"


@dataclass(frozen=True)
class Posted:
    message: EnquiryMessage
    #: Safeguarding words in a holder's message: show the writer where to get help now.
    show_safeguarding_help: bool


def neutral_label(holder: User) -> str:
    area = areas.area_label(holder.home_authority) if holder.home_authority else ""
    return f"A budget holder in {area}" if area else "A budget holder"


def clean_text(text: str | None, *, field: str = "text", limit: int = MAX_TEXT,
               missing: str = "Write your message") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > limit:
        raise DomainError(f"Use {limit} characters or fewer", field=field)
    return text


def enquirable_service(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or not service.is_active:
        raise NotFound("We could not find that service.")
    return service


def may_enquire(user) -> bool:
    """For the "Ask the provider a question" link."""
    return not getattr(user, "is_authenticated", False) or user.role in BUYER_ROLES


def may_start(actor: User) -> None:
    if actor.role not in BUYER_ROLES:
        raise Forbidden("Only budget holders, and supporters with a holder's 'buy' "
                        "permission, ask providers questions.")


def start_enquiry(actor: User, service_id: int, holder_id: int, text: str,
                  shown_as: str = "") -> tuple[Posted, bool]:
    """Ask the service's provider a question for the holder; the holder's open conversation
    about this service takes it if there is one. Returns what was posted and whether the
    conversation is new."""
    may_start(actor)
    service = enquirable_service(service_id)
    holder = consent.holder_for(actor, holder_id, SCOPE)
    text = clean_text(text)
    shown_as = " ".join((shown_as or "").split())
    if len(shown_as) > MAX_LABEL:
        raise DomainError(f"Use {MAX_LABEL} characters or fewer", field="shown_as")
    enquiry = db.session.scalar(sa.select(Enquiry).where(
        Enquiry.holder_id == holder.id, Enquiry.service_id == service.id,
        Enquiry.state == "open"))
    is_new = enquiry is None
    if is_new:
        enquiry = Enquiry(service_id=service.id, provider_id=service.provider_id,
                          holder_id=holder.id, started_by_id=actor.id,
                          holder_label=shown_as or neutral_label(holder), state="open")
        db.session.add(enquiry)
        db.session.flush()
    return _post(actor, Seen(enquiry, "holder"), text), is_new


def post_message(actor: User, enquiry_id: int, text: str) -> Posted:
    return _post(actor, enquiry_for(actor, enquiry_id), clean_text(text))


def share_contact(actor: User, enquiry_id: int) -> Posted:
    """The holder posts their own name and email into the conversation."""
    seen = enquiry_for(actor, enquiry_id)
    if seen.side != "holder" or actor.id != seen.enquiry.holder_id:
        raise Forbidden("Only the budget holder can share their own contact details.")
    posted = _post(actor, seen, f"My name is {actor.display_name}. You can email me at "
                                f"{actor.email}.", kind="contact")
    seen.enquiry.contact_shared_at = seen.enquiry.contact_shared_at or utcnow()
    return posted


def close_enquiry(actor: User, enquiry_id: int) -> Enquiry:
    seen = enquiry_for(actor, enquiry_id)
    enquiry = seen.enquiry
    if not enquiry.is_open:
        raise EnquiryClosed("This conversation is already closed.")
    enquiry.state, enquiry.closed_by_id, enquiry.closed_at = "closed", actor.id, utcnow()
    _tell_other_side(seen, f"The conversation about “{enquiry.service.title}” was closed. "
                           "No more messages can be sent in it.")
    db.session.flush()
    return enquiry


def report_message(actor: User, enquiry_id: int, message_id: int, reason: str) -> EnquiryReport:
    """Report a message of the other side's; a commissioner reads it (moderation.py)."""
    seen = enquiry_for(actor, enquiry_id)
    message = db.session.get(EnquiryMessage, message_id)
    if message is None or message.enquiry_id != seen.enquiry.id or message.side == seen.side:
        raise NotFound("We could not find that message of theirs.")
    reason = clean_text(reason, field="reason", limit=MAX_REASON,
                        missing="Say what is wrong with the message")
    if db.session.scalar(sa.select(EnquiryReport.id).where(
            EnquiryReport.message_id == message.id, EnquiryReport.reporter_id == actor.id)):
        raise AlreadyReported("You have already reported this message.")
    report = EnquiryReport(message_id=message.id, reporter_id=actor.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    return report


def label_for(enquiry: Enquiry, viewer_side: str) -> str:
    """Who the other side is, as the viewer may know them."""
    return enquiry.provider.name if viewer_side == "holder" else enquiry.holder_label


def _post(actor: User, seen: Seen, text: str, *, kind: str = "text") -> Posted:
    enquiry = seen.enquiry
    if not enquiry.is_open:
        raise EnquiryClosed("This conversation is closed, so no more messages can be sent.")
    safeguarding = seen.side == "holder" and kind == "text" and \
        detectors.check(text).safeguarding
    message = EnquiryMessage(enquiry_id=enquiry.id, author_id=actor.id, side=seen.side,
                             kind=kind, text=text, safeguarding=safeguarding)
    db.session.add(message)
    enquiry.last_message_at = utcnow()
    db.session.flush()
    who = label_for(enquiry, "provider" if seen.side == "holder" else "holder")
    _tell_other_side(seen, f"{who} sent you a message about “{enquiry.service.title}”.")
    return Posted(message, safeguarding)


def _tell_other_side(seen: Seen, words: str) -> None:
    """In-app and by email (notify queues it for the worker), with a link to the thread."""
    enquiry, link = seen.enquiry, f"/enquiries/{seen.enquiry.id}"
    if seen.side == "holder":
        people = [enquiry.provider.owner]
    else:
        people = [enquiry.holder]
        starter = db.session.get(User, enquiry.started_by_id)
        if starter.id != enquiry.holder_id and consent.may_act_for(starter, enquiry.holder_id,
                                                                   SCOPE):
            people.append(starter)
    for person in people:
        notify(person, words, link=link, email_subject="A message about an enquiry on Pathways")
