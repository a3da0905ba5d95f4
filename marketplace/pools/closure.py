"""What closing an account removes from pools (accounts/closure.py).

Pledges and share orders are money records and stay, with their amounts, states and card
payment references. What goes is the name the holder chose to show other members, and the
words about a card problem they were shown. Pools they started keep their title: it names what
the group bought, in every member's statement.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.pools.models import PoolMember

#: What other members and the provider see instead of the member's chosen name.
FORMER_MEMBER = "A former member"


def names_shown(holder: User) -> list[str]:
    return list(db.session.scalars(sa.select(PoolMember.display_name).distinct().where(
        PoolMember.holder_id == holder.id)))


def forget_members(holder: User) -> None:
    db.session.execute(sa.update(PoolMember).where(PoolMember.holder_id == holder.id)
                       .values(display_name=FORMER_MEMBER, card_problem=""))
    db.session.flush()
