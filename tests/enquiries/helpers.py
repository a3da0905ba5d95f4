"""Helpers for the enquiry tests: Sam's question to Bright Days about its photography group,
asked through the services, and the provider's answer."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.enquiries import services
from marketplace.enquiries.models import Enquiry, EnquiryMessage
from marketplace.extensions import db

QUESTION = "Is the group step-free? I use a wheelchair."


def asked(market, holder=None, *, text: str = QUESTION, shown_as: str = "", service=None):
    holder = holder or market.sam
    posted, _ = services.start_enquiry(holder, (service or market.service).id, holder.id, text,
                                       shown_as)
    db.session.commit()
    return posted.message.enquiry


def answered(market, enquiry, text: str = "Yes, the hall is step-free."):
    services.post_message(market.provider_owner, enquiry.id, text)
    db.session.commit()


def enquiries() -> list[Enquiry]:
    return db.session.scalars(sa.select(Enquiry).order_by(Enquiry.id)).all()


def messages() -> list[EnquiryMessage]:
    return db.session.scalars(sa.select(EnquiryMessage).order_by(EnquiryMessage.id)).all()
