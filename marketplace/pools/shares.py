"""How a pool's target is shared, in whole pence (docs/pools.md, "Records").

A member pledges the most they could pay: the target split over the fewest members the pool
can go ahead with. If more join, everyone pays less, never more. When the pool is funded
the target is split over the members there are, the first `target mod n` paying one penny
more, so the shares add up to the target exactly."""
from __future__ import annotations


def most_anyone_pays(target_pence: int, min_members: int) -> int:
    return -(-target_pence // min_members)


def split(target_pence: int, members: int) -> list[int]:
    if members < 1:
        raise ValueError("A target is split between one or more members.")
    base, extra = divmod(target_pence, members)
    return [base + 1 if i < extra else base for i in range(members)]
