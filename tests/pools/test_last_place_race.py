"""Ten people pledging for the last place at the same moment: one pledge, nine plain
refusals, and nobody's money held for a place they did not get."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import Pledge, PoolRefusal
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)


def test_ten_pledges_for_the_last_place_give_exactly_one(app):
    org = organisation(auto_approve_limit_pence=0)  # approval needed: the pool stays open
    service = group_service(capacity=20)
    sam, sam_budget = holder_with_budget("Sam", organisation=org)
    started = pools.start_pool(sam, sam.id, request(service, min_members=2, max_members=2),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    people = [holder_with_budget(f"Person {n}", organisation=org) for n in range(10)]
    ids = [(holder.id, budget.id) for holder, budget in people]
    pool_id, share = started.pool.id, started.member.pledged_pence
    db.session.remove()

    barrier = threading.Barrier(10, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pledge(holder_id: int, budget_id: int) -> None:
        with app.app_context():
            holder = db.session.get(User, holder_id)
            barrier.wait()
            try:
                pools.join_pool(holder, holder_id, pool_id, Pledge(budget_id, "Me"))
                db.session.commit()
                result = "ok"
            except PoolRefusal as refused:
                db.session.rollback()
                result = refused.message
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=pledge, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("ok") == 1
    assert sorted(set(outcomes) - {"ok"}) == ["This pool is now full."]
    assert len(outcomes) == 10
    assert db.session.get(Pool, pool_id).member_count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 2
    held = sorted(balances(budget).committed_pence for _, budget in people)
    assert held == [0] * 9 + [share]
    assert_ledger_sound()
