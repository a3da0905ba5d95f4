"""Who may act for a budget holder. A holder acts for themselves; a supporter only for holders
who invited them, only within the scopes granted, and only until the grant is revoked.

Refusals are NotFound rather than Forbidden, so nobody can probe which people exist.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import SupporterGrant, User
from marketplace.errors import NotFound
from marketplace.extensions import db


def live_grant(supporter_id: int, holder_id: int) -> SupporterGrant | None:
    return db.session.scalar(
        sa.select(SupporterGrant).where(
            SupporterGrant.supporter_id == supporter_id,
            SupporterGrant.holder_id == holder_id,
            SupporterGrant.accepted_at.is_not(None),
            SupporterGrant.revoked_at.is_(None),
        )
    )


def may_act_for(user: User, holder_id: int, scope: str) -> bool:
    if user.role == "holder":
        return user.id == holder_id
    if user.role == "supporter":
        grant = live_grant(user.id, holder_id)
        return grant is not None and scope in grant.scopes
    return False


def holder_for(user: User, holder_id: int, scope: str) -> User:
    """The holder `user` may act for with this scope ("view", "plan" or "buy"), or NotFound."""
    holder = db.session.get(User, holder_id)
    if holder is None or holder.role != "holder" or not may_act_for(user, holder_id, scope):
        raise NotFound("We could not find that person's budget, or you do not have their permission.")
    return holder


def holders_for(user: User, scope: str) -> list[User]:
    """Everyone `user` may act for with this scope: themselves if a holder, else by grants."""
    if user.role == "holder":
        return [user]
    if user.role != "supporter":
        return []
    grants = db.session.scalars(
        sa.select(SupporterGrant).where(
            SupporterGrant.supporter_id == user.id,
            SupporterGrant.accepted_at.is_not(None),
            SupporterGrant.revoked_at.is_(None),
        )
    ).all()
    return [grant.holder for grant in grants if scope in grant.scopes]


def on_behalf_of_id(actor: User, holder: User) -> int | None:
    """The holder's id to record beside the actor's when a supporter acted for them.

    Providers and organisation staff act in their own right, not on the holder's behalf.
    """
    return holder.id if actor.role == "supporter" and actor.id != holder.id else None
