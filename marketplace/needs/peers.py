"""Finding peers: holders near each other who need the same thing (same local authority,
category and timing) and both said "tell me if others near me need the same". Each is told,
both ways, and offered a page to start or join a pool together. Nobody is ever shown who the
others are: only their needs, in their words, without names."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Need
from marketplace.needs.services import serves
from marketplace.notifications.services import notify
from marketplace.pools.models import Pool
from marketplace.providers.models import Service


def find_peers(need: Need) -> list[Need]:
    """Other open needs like this one whose holders agreed to be matched; none without consent."""
    if not need.peers_consent:
        return []
    return list(db.session.scalars(
        sa.select(Need).where(Need.state == "open", Need.peers_consent.is_(True),
                              Need.local_authority == need.local_authority,
                              Need.category == need.category, Need.timing == need.timing,
                              Need.id != need.id, Need.holder_id != need.holder_id)
        .order_by(Need.id)))


def tell_peers(need: Need) -> int:
    """At posting: tell this holder once, and each matched holder, that someone nearby needs
    the same. Returns how many were matched."""
    peers = find_peers(need)
    if not peers:
        return 0
    someone = "Someone" if len(peers) == 1 else f"{len(peers)} people"
    notify(need.holder, f"{someone} near you also need{'s' if len(peers) == 1 else ''} "
           "this kind of support at the same times. You could buy it together in a pool.",
           link=f"/needs/{need.id}/peers",
           email_subject="Someone near you needs the same")
    for peer in peers:
        notify(peer.holder, "Someone near you has just posted a need like yours, at the same "
               "times. You could buy it together in a pool.",
               link=f"/needs/{peer.id}/peers",
               email_subject="Someone near you needs the same")
    return len(peers)


def tell_peers_about_pool(need: Need, pool: Pool) -> None:
    """A pool started from this need and open to others: the matched holders hear of it."""
    for peer in find_peers(need):
        notify(peer.holder, f"Someone near you who needs the same has started a pool: "
               f"{pool.title}. You can join it if it suits you.",
               link=f"/pools/{pool.id}",
               email_subject="A pool near you for what you need")


def poolable_services_for(need: Need) -> list[Service]:
    """Group services that can be pooled, in the need's category and covering its area."""
    candidates = db.session.scalars(
        sa.select(Service).where(Service.category == need.category, Service.poolable.is_(True),
                                 Service.status == "active", Service.price_pence > 0)
        .order_by(Service.title, Service.id))
    return [service for service in candidates if serves(service, need)]


def open_pools_for(need: Need) -> list[Pool]:
    """Pools in the need's category that its holder may join without an invite (by their
    home area and interests, pools.access.open_to_holder), in the need's area."""
    from marketplace.pools.access import open_to_holder, pool_authority

    candidates = db.session.scalars(
        sa.select(Pool).where(Pool.state.in_(("open", "short")), Pool.open_to != "invite",
                              Pool.category == need.category)
        .order_by(Pool.deadline_at, Pool.id))
    return [pool for pool in candidates if pool_authority(pool) == need.local_authority
            and open_to_holder(need.holder, pool)]
