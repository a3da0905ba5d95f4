"""Ten people pledging for the last place at the same moment: one pledge, nine plain
refusals, and nobody's money held for a place they did not get. With custom shares, the
same for the last place at one amount while a place at another amount stays open."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.models import Pool, PoolMember, PoolPlace
from marketplace.pools.services import Pledge
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)


def race(app, pool_id: int, people, share_pence: int | None = None) -> list[str]:
    """Every person pledges at once; what each was told ("ok" for a pledge)."""
    ids = [(holder.id, budget.id) for holder, budget in people]
    db.session.remove()
    barrier = threading.Barrier(len(ids), timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pledge(holder_id: int, budget_id: int) -> None:
        with app.app_context():
            holder = db.session.get(User, holder_id)
            barrier.wait()
            try:
                pools.join_pool(holder, holder_id, pool_id, Pledge(budget_id, "Me", share_pence))
                db.session.commit()
                result = "ok"
            except DomainError as refused:
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
    return outcomes


def test_ten_pledges_for_the_last_place_give_exactly_one(app):
    org = organisation(auto_approve_limit_pence=0)  # approval needed: the pool stays open
    service = group_service(capacity=20)
    sam, sam_budget = holder_with_budget("Sam", organisation=org)
    started = pools.start_pool(sam, sam.id, request(service, min_members=2, max_members=2),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    people = [holder_with_budget(f"Person {n}", organisation=org) for n in range(10)]
    pool_id, share = started.pool.id, started.member.pledged_pence

    outcomes = race(app, pool_id, people)

    assert outcomes.count("ok") == 1
    assert sorted(set(outcomes) - {"ok"}) == ["This pool is now full."]
    assert len(outcomes) == 10
    assert db.session.get(Pool, pool_id).member_count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 2
    held = sorted(balances(budget).committed_pence for _, budget in people)
    assert held == [0] * 9 + [share]
    assert_ledger_sound()


def test_eight_pledges_for_the_last_ten_pound_share_give_exactly_one(app):
    org = organisation(auto_approve_limit_pence=0)
    service = group_service(capacity=20)
    sam, sam_budget = holder_with_budget("Sam", organisation=org)
    started = pools.start_pool(sam, sam.id, request(service, sessions=10,
                                                    shares_pence=(5_000, 1_000, 4_000)),
                               Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    people = [holder_with_budget(f"Person {n}", organisation=org) for n in range(8)]
    pool_id = started.pool.id

    outcomes = race(app, pool_id, people, share_pence=1_000)

    assert len(outcomes) == 8 and outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"Someone has just taken that share. Choose another.",
                                      "Choose one of the open shares: £40.00"}
    assert db.session.get(Pool, pool_id).member_count == 2
    open_places = db.session.scalars(sa.select(PoolPlace.share_pence).where(
        PoolPlace.pool_id == pool_id, PoolPlace.member_id.is_(None))).all()
    assert open_places == [4_000]
    held = sorted(balances(budget).committed_pence for _, budget in people)
    assert held == [0] * 7 + [1_000]
    assert_ledger_sound()
