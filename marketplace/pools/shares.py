"""How a pool's target is shared, in whole pence (docs/pools.md, "Shares").

Equal shares: a member pledges the most they could pay, the target split over the fewest
members the pool can go ahead with. If more join, everyone pays less, never more. When the
pool is funded the target is split over the members there are, the first `target mod n`
paying one penny more, so the shares add up to the target exactly.

Custom shares: the starter sets out every place and its amount, adding up to the target; a
member takes one open place and pledges exactly its amount, which is all they can ever pay.
A place is claimed by one conditional UPDATE, so of two people taking the last £20 place,
one gets it."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.pools.models import PoolMember, PoolPlace

#: The field both the API and the services name for the custom amounts.
SHARES_FIELD = "shares_pence"


def most_anyone_pays(target_pence: int, min_members: int) -> int:
    return -(-target_pence // min_members)


def split(target_pence: int, members: int) -> list[int]:
    if members < 1:
        raise ValueError("A target is split between one or more members.")
    base, extra = divmod(target_pence, members)
    return [base + 1 if i < extra else base for i in range(members)]


def check_custom(amounts: tuple[int, ...], target_pence: int, most_places: int,
                 what_it_buys: str) -> None:
    """Refuses custom shares that are not 2 to `most_places` amounts of at least 1p adding up
    to the target exactly, saying which is wrong."""
    if len(amounts) < 2:
        raise DomainError("Enter at least 2 shares, one for each place", field=SHARES_FIELD)
    if len(amounts) > most_places:
        raise DomainError(f"Enter {most_places} shares or fewer: there are at most "
                          f"{most_places} places", field=SHARES_FIELD)
    if any(amount <= 0 for amount in amounts):
        raise DomainError("Each share must be at least 1p", field=SHARES_FIELD)
    total = sum(amounts)
    if total != target_pence:
        raise DomainError(f"The shares add up to {format_pence(total)}, but the total for "
                          f"{what_it_buys} is {format_pence(target_pence)}. Make them add up "
                          f"to exactly {format_pence(target_pence)}", field=SHARES_FIELD)


def open_amounts(pool) -> list[int]:
    """The amounts a newcomer may take, one per open place, largest first. In a short pool a
    place whose share did not come in is open too: a newcomer takes it at its amount."""
    failed = {member.id for member in pool.live_members if member.state == "failed"}
    taking = pool.state in ("open", "short")
    return sorted((place.share_pence for place in pool.places if taking and (
        place.member_id is None or (pool.state == "short" and place.member_id in failed))),
        reverse=True)


def check_open(pool, share_pence: int | None) -> None:
    """Refuses a custom-share pledge for an amount with no open place, and a chosen amount
    in an equal-share pool."""
    if not pool.custom:
        if share_pence is not None:
            raise DomainError("This pool shares the cost equally, so there is no share to "
                              "choose", field="share_pence")
        return
    open_now = open_amounts(pool)
    if share_pence is None or share_pence not in open_now:
        words = ", ".join(format_pence(amount) for amount, _ in choices(pool))
        raise DomainError(("Choose one of the open shares: " + words) if open_now else
                          "Every share in this pool is taken.", field="share_pence")


def choices(pool) -> list[tuple[int, int]]:
    """(amount, places open at it), largest first: what the join page offers."""
    return sorted(Counter(open_amounts(pool)).items(), reverse=True)


def claim_place(pool, member: PoolMember, share_pence: int) -> bool:
    """Put the member in an empty place at that amount; False if none is left."""
    empty = db.session.scalars(sa.select(PoolPlace.id).where(
        PoolPlace.pool_id == pool.id, PoolPlace.share_pence == share_pence,
        PoolPlace.member_id.is_(None)).order_by(PoolPlace.place)).all()
    for place_id in empty:
        taken = db.session.execute(
            sa.update(PoolPlace).where(PoolPlace.id == place_id, PoolPlace.member_id.is_(None))
            .values(member_id=member.id),
            execution_options={"synchronize_session": False}).rowcount
        if taken == 1:
            db.session.expire(pool, ["places"])
            return True
    return False


def free_place(member: PoolMember) -> None:
    """A released pledge gives its place back (no row for an equal-share pool)."""
    db.session.execute(
        sa.update(PoolPlace).where(PoolPlace.member_id == member.id).values(member_id=None),
        execution_options={"synchronize_session": False})
