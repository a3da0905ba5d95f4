"""All or nothing: a pool that fills or reaches its deadline with enough members becomes one
share order per member, each paying the target split over the members (never more than
they pledged); a pool that does not is released in full. The worker's job runs twice
harmlessly."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs.runner import run_due_jobs
from marketplace.jobs import catalogue
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.pools import services as pools
from marketplace.pools.funding import close_due_pools
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import Pledge
from marketplace.pools.shares import most_anyone_pays, split
from marketplace.times import utcnow
from tests.factories import make_account_manager
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)


def messages_for(user) -> list[str]:
    return list(db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == user.id)))


def test_shares_always_add_up_to_the_target():
    assert split(1_000, 3) == [334, 333, 333]
    assert sum(split(6_001, 4)) == 6_001
    assert most_anyone_pays(1_000, 3) == 334
    for target in (1, 99, 1_000, 123_457):
        for fewest in range(2, 6):
            for members in range(fewest, 9):
                parts = split(target, members)
                assert sum(parts) == target and max(parts) - min(parts) <= 1
                # More members never make anyone pay more than they pledged.
                assert max(parts) <= most_anyone_pays(target, fewest)


@pytest.fixture
def four_people(app):
    org = organisation()
    service = group_service()  # £10 a session
    people = [holder_with_budget(name, organisation=org)
              for name in ("Sam Patel", "Dani Jones", "Ali Khan", "Jo Reed")]
    return org, service, people


def start_and_join(service, people, **fields):
    (sam, sam_budget), *rest = people
    started = pools.start_pool(sam, sam.id, request(service, **fields),
                               Pledge(sam_budget.id, "Sam P"))
    for holder, budget in rest:
        pools.join_pool(holder, holder.id, started.pool.id,
                        Pledge(budget.id, holder.display_name.split()[0]))
    db.session.commit()
    return db.session.get(Pool, started.pool.id)


def test_a_full_pool_goes_ahead_at_once_with_the_target_split_four_ways(four_people):
    _org, service, people = four_people
    pool = start_and_join(service, people, sessions=6, min_members=3, max_members=4)
    assert pool.state == "funded"
    orders = db.session.scalars(sa.select(Order).order_by(Order.id)).all()
    assert [order.total_pence for order in orders] == [1_500, 1_500, 1_500, 1_500]
    assert {order.state for order in orders} == {"awaiting_provider"}
    for (holder, budget), order in zip(people, orders):
        assert order.holder_id == holder.id and order.budget_id == budget.id
        # Pledged up to £20; the share came to £15; the £5 difference is back.
        assert balances(budget).committed_pence == 1_500
        assert balances(budget).available_pence == 18_500
    members = db.session.scalars(sa.select(PoolMember)).all()
    assert {member.state for member in members} == {"paid"}
    assert {member.order_id for member in members} == {order.id for order in orders}
    provider_messages = messages_for(service.provider.owner)
    assert provider_messages == [
        "A group of 4 has bought Photography walks together for £60.00. "
        "Please accept or decline it."]
    assert all("is going ahead" in " ".join(messages_for(h)) for h, _ in people)
    assert_ledger_sound()


def test_at_the_deadline_enough_members_go_ahead(four_people, clock):
    _org, service, people = four_people
    pool = start_and_join(service, people[:3], sessions=6, min_members=3, max_members=4)
    assert pool.state == "open"
    assert close_due_pools() == {"collecting": 0, "expired": 0, "funded": 0}  # not yet
    clock.set(pool.deadline_at + timedelta(seconds=1))
    assert close_due_pools()["funded"] == 1
    orders = db.session.scalars(sa.select(Order)).all()
    assert sorted(order.total_pence for order in orders) == [2_000, 2_000, 2_000]
    db.session.commit()
    assert close_due_pools() == {"collecting": 0, "expired": 0, "funded": 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
    assert_ledger_sound()


def test_too_few_members_at_the_deadline_gets_every_penny_back(four_people, clock):
    _org, service, people = four_people
    pool = start_and_join(service, people[:2], sessions=6, min_members=3, max_members=4)
    clock.set(pool.deadline_at + timedelta(minutes=1))
    assert close_due_pools()["expired"] == 1
    db.session.commit()
    pool = db.session.get(Pool, pool.id)
    assert pool.state == "expired"
    for holder, budget in people[:2]:
        assert balances(budget).committed_pence == 0
        assert balances(budget).available_pence == 20_000
        assert any("will not go ahead because not enough people joined" in message
                   and "Every penny you pledged is back" in message
                   for message in messages_for(holder))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert close_due_pools()["expired"] == 0
    assert_ledger_sound()


def test_an_unapproved_share_makes_the_pool_short_until_it_is_approved(app, clock):
    strict = organisation(auto_approve_limit_pence=1_000)  # shares of £20 need approval
    staff = make_account_manager(strict)
    service = group_service()
    people = [holder_with_budget(f"Person {n}", organisation=strict) for n in range(3)]
    pool = start_and_join(service, people, sessions=6, min_members=3, max_members=4)
    clock.set(pool.deadline_at + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()
    pool = db.session.get(Pool, pool.id)
    assert pool.state == "short"
    assert any("is waiting for your approval of" in m for m in messages_for(staff))
    for member in pool.live_members:
        pools.approve_pledge(staff, member.id)
        db.session.commit()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
    assert_ledger_sound()


def test_a_newcomer_to_a_short_pool_takes_one_vacated_share_never_more_than_pledged(app):
    strict = organisation(auto_approve_limit_pence=1_000)  # shares of £25 need approval
    staff = make_account_manager(strict)
    service = group_service()
    people = [holder_with_budget(f"Person {n}", organisation=strict) for n in range(4)]
    # Full at once, so it collects at once, and is short of both approvals.
    pool = start_and_join(service, people[:2], sessions=5, min_members=2, max_members=2)
    for member in db.session.get(Pool, pool.id).live_members:  # both refused: two places free
        pools.refuse_pledge(staff, member.id, "Not this time")
        db.session.commit()
    assert db.session.get(Pool, pool.id).state == "short", db.session.get(Pool, pool.id).state
    # One newcomer takes one of the two £25 places, not the whole £50: the pool stays short.
    first_newcomer, first_budget = people[2]
    newcomer = pools.join_pool(first_newcomer, first_newcomer.id, pool.id,
                               Pledge(first_budget.id, "New"))
    db.session.commit()
    assert (newcomer.pledged_pence, newcomer.share_pence) == (2_500, 2_500)
    assert db.session.get(Pool, pool.id).state == "short"
    second_newcomer, second_budget = people[3]
    pools.join_pool(second_newcomer, second_newcomer.id, pool.id,
                    Pledge(second_budget.id, "Newer"))
    db.session.commit()
    for member in db.session.get(Pool, pool.id).live_members:
        pools.approve_pledge(staff, member.id)
        db.session.commit()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert sorted(db.session.scalars(sa.select(Order.total_pence))) == [2_500, 2_500]
    assert_ledger_sound()


def test_a_short_pool_not_refilled_in_time_releases_everyone(app, clock):
    strict = organisation(auto_approve_limit_pence=0)
    service = group_service()
    people = [holder_with_budget(f"Person {n}", organisation=strict) for n in range(3)]
    pool = start_and_join(service, people, sessions=6, min_members=3, max_members=4)
    clock.set(pool.deadline_at + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()
    short_until = db.session.get(Pool, pool.id).short_until
    assert short_until == utcnow() + timedelta(hours=72)
    clock.set(short_until + timedelta(seconds=1))
    assert close_due_pools()["expired"] == 1
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "expired"
    for holder, budget in people:
        assert balances(budget).available_pence == 20_000
        assert any("it was not refilled in time" in m for m in messages_for(holder))
    assert_ledger_sound()


def test_the_worker_job_closes_due_pools_once(four_people, clock):
    _org, service, people = four_people
    pool = start_and_join(service, people[:3], sessions=6, min_members=3, max_members=4)
    clock.set(pool.deadline_at + timedelta(minutes=6))
    registry = catalogue.load()
    assert "pool-deadlines" in registry.jobs
    run_due_jobs("worker-a", registry)
    run_due_jobs("worker-b", registry)
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
    assert_ledger_sound()
