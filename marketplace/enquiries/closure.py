"""What closing an account does to enquiries (accounts/closure.py).

An enquiry is a conversation before buying, with no audit use. When a holder closes their
account, each of their conversations is closed and every message in it is replaced, both sides:
the provider's answers were written to that person and quote them. The provider then sees "A
former member" instead of the name the holder chose. What a supporter wrote for a holder, and
what anyone wrote in reports of messages, goes the same way. When a provider closes, its open
conversations are closed; what it wrote stays for the holders, without the owner's names.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.mentions import Mentions
from marketplace.accounts.models import User
from marketplace.enquiries.models import Enquiry, EnquiryMessage, EnquiryReport
from marketplace.extensions import db
from marketplace.times import utcnow

REMOVED = "Removed when the account was closed"
FORMER_MEMBER = "A former member"


def written_words(person: User) -> list[str]:
    """Messages the person wrote and the names they chose to be shown by."""
    texts = db.session.scalars(sa.select(EnquiryMessage.text).where(
        EnquiryMessage.author_id == person.id))
    reasons = db.session.scalars(sa.select(EnquiryReport.reason).where(
        EnquiryReport.reporter_id == person.id))
    return [*texts, *reasons]


def labels_chosen(holder: User) -> list[str]:
    return list(db.session.scalars(sa.select(Enquiry.holder_label).distinct().where(
        Enquiry.holder_id == holder.id)))


def _close_open(where, closed_by: User) -> None:
    db.session.execute(sa.update(Enquiry).where(where, Enquiry.state == "open")
                       .values(state="closed", closed_by_id=closed_by.id, closed_at=utcnow()))


def forget_enquiries(person: User, mentions: Mentions) -> None:
    theirs = Enquiry.holder_id == person.id
    _close_open(theirs, person)
    db.session.execute(sa.update(Enquiry).where(theirs).values(holder_label=FORMER_MEMBER))
    provider = person.provider if person.role == "provider" else None
    removed = EnquiryMessage.enquiry_id.in_(sa.select(Enquiry.id).where(theirs))
    if provider is None:
        removed = sa.or_(removed, EnquiryMessage.author_id == person.id)
    db.session.execute(sa.update(EnquiryMessage).where(removed).values(text=REMOVED))
    db.session.execute(sa.update(EnquiryReport).where(sa.or_(
        EnquiryReport.reporter_id == person.id,
        EnquiryReport.message_id.in_(sa.select(EnquiryMessage.id).where(removed))))
        .values(reason=REMOVED))
    if provider is not None:
        _close_open(Enquiry.provider_id == provider.id, person)
        for message in db.session.scalars(sa.select(EnquiryMessage).where(
                EnquiryMessage.author_id == person.id)):
            message.text = mentions.replace_names(message.text)
    db.session.flush()
