"""Who sees an enquiry: its two sides only. The holder side is the holder, and supporters the
holder gave the 'buy' permission (an enquiry is the first step of buying); the provider side
is the owner of the provider the service belongs to. Everyone else, commissioners included,
gets NotFound, so nobody learns which conversations exist.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.enquiries.models import Enquiry
from marketplace.errors import NotFound
from marketplace.extensions import db

#: The supporter permission an enquiry needs: asking before buying is part of buying.
SCOPE = "buy"
#: The roles with an "Enquiries" list: the holder side and the provider side.
ROLES = ("holder", "supporter", "provider")
NOT_FOUND = "We could not find that conversation."


@dataclass(frozen=True)
class Seen:
    enquiry: Enquiry
    #: "holder" or "provider": which side the viewer is on.
    side: str


def side_of(user: User, enquiry: Enquiry) -> str | None:
    if user.role == "provider":
        provider = user.provider
        return "provider" if provider is not None and provider.id == enquiry.provider_id else None
    if user.role in ("holder", "supporter") and consent.may_act_for(user, enquiry.holder_id,
                                                                      SCOPE):
        return "holder"
    return None


def enquiry_for(user: User, enquiry_id: int) -> Seen:
    enquiry = db.session.get(Enquiry, enquiry_id)
    side = side_of(user, enquiry) if enquiry is not None else None
    if side is None:
        raise NotFound(NOT_FOUND)
    return Seen(enquiry, side)


def enquiries_of(user: User) -> list[Enquiry]:
    """The conversations on the user's side, newest message first."""
    if user.role == "provider":
        if user.provider is None:
            return []
        mine = Enquiry.provider_id == user.provider.id
    else:
        holder_ids = [holder.id for holder in consent.holders_for(user, SCOPE)]
        if not holder_ids:
            return []
        mine = Enquiry.holder_id.in_(holder_ids)
    return list(db.session.scalars(sa.select(Enquiry).where(mine).order_by(
        Enquiry.last_message_at.desc(), Enquiry.id.desc())))
