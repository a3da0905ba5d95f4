"""What closing an account removes from the needs board (accounts/closure.py).

A need is the holder's own words about what they need; it has no audit use, so the words and
the postcode district go. The row stays (state, kind of support, council area and dates), as
the commissioners' demand figures count it and quotes point at it. The providers' messages to
the holder in their quotes go too: they were written to that person. A provider's own quotes
stay for the holders they were given to, without the owner's names.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.mentions import Mentions
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.needs.models import Need, Quote
from marketplace.needs.services import short_words

REMOVED = "Removed when the account was closed"


def need_words(holder: User) -> list[str]:
    """The holder's needs as they wrote them and as notifications shortened them."""
    words = list(db.session.scalars(sa.select(Need.words).where(Need.holder_id == holder.id)))
    return words + [short_words(text) for text in words]


def forget_needs(holder: User) -> None:
    needs = sa.select(Need.id).where(Need.holder_id == holder.id)
    db.session.execute(sa.update(Quote).where(Quote.need_id.in_(needs)).values(message=""))
    db.session.execute(sa.update(Need).where(Need.holder_id == holder.id)
                       .values(words=REMOVED, postcode_district=""))
    db.session.flush()


def forget_quotes_by(provider_id: int, mentions: Mentions) -> None:
    for quote in db.session.scalars(sa.select(Quote).where(Quote.provider_id == provider_id,
                                                           Quote.message != "")):
        quote.message = mentions.replace_names(quote.message)
    db.session.flush()
