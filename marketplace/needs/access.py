"""Who may see a need (docs/needs.md, "Who sees what"). Anyone else gets 404, so nobody can
probe which needs exist. Providers see a need without its holder's name, unless the holder
accepted their quote."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.needs.models import Need, Quote
from marketplace.needs.services import services_for, standing_quote


def need_for_holder(user: User, need_id: int) -> Need:
    """The need, for its holder or a supporter with the view scope; otherwise NotFound."""
    need = db.session.get(Need, need_id)
    if (need is None or not user.is_authenticated
            or not consent.may_act_for(user, need.holder_id, "view")):
        raise NotFound("We could not find that need.")
    return need


def need_for_provider(user: User, need_id: int) -> tuple[Need, Quote | None]:
    """The need and this provider's quote: for a provider serving it while it is open, or
    one that quoted for it (to see the answer). Otherwise NotFound."""
    provider = user.provider if user.is_authenticated and user.role == "provider" else None
    need = db.session.get(Need, need_id) if provider is not None else None
    if need is None:
        raise NotFound("We could not find that need.")
    quote = standing_quote(provider, need)
    if quote is None and not (need.is_open and services_for(provider, need)):
        raise NotFound("We could not find that need.")
    return need, quote


def my_needs(user: User) -> list[Need]:
    holder_ids = [holder.id for holder in consent.holders_for(user, "view")]
    if not holder_ids:
        return []
    return list(db.session.scalars(
        sa.select(Need).where(Need.holder_id.in_(holder_ids))
        .order_by(Need.created_at.desc(), Need.id.desc())))
