"""Custom shares (docs/pools.md, "Shares"): the starter sets out each place and its amount,
adding up to the target; each member takes one open place and pledges exactly its amount,
never paying more; the pool goes ahead only with every place taken; a newcomer refilling a
short pool takes the failed member's place at its amount; and the database refuses a member
at another amount, a changed share and a pool funded short of its target."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.pools import services as pools
from marketplace.pools import shares
from marketplace.pools.funding import close_due_pools
from marketplace.pools.models import Pool, PoolMember, PoolPlace
from marketplace.pools.services import Pledge, PoolFull
from tests.factories import make_account_manager, make_funded_budget, make_user
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)

#: 10 sessions at £10: £100, as £40, £40 and £20 for someone with less to spend.
SHARES = (4_000, 4_000, 2_000)


@pytest.fixture
def market(app):
    org = organisation()
    service = group_service()
    people = [holder_with_budget(name, organisation=org)
              for name in ("Sam Patel", "Dani Jones", "Ali Khan", "Jo Reed")]
    return org, service, people


def start_custom(service, starter, shares=SHARES, **fields):
    holder, budget = starter
    started = pools.start_pool(holder, holder.id, request(service, sessions=10,
                                                          shares_pence=shares, **fields),
                               Pledge(budget.id, "Sam P"))
    db.session.commit()
    return db.session.get(Pool, started.pool.id)


def join(pool, person, share_pence, name="M"):
    holder, budget = person
    member = pools.join_pool(holder, holder.id, pool.id, Pledge(budget.id, name, share_pence))
    db.session.commit()
    return member


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_starter_sets_out_the_places_and_takes_the_first(market):
    _org, service, people = market
    pool = start_custom(service, people[0])
    assert pool.share_rule == "custom"
    assert (pool.min_members, pool.max_members, pool.target_pence) == (3, 3, 10_000)
    assert [(p.place, p.share_pence) for p in pool.places] == [(1, 4_000), (2, 4_000),
                                                               (3, 2_000)]
    [member] = pool.live_members
    assert member.pledged_pence == member.share_pence == 4_000
    assert pool.places[0].member_id == member.id
    assert balances(people[0][1]).committed_pence == 4_000
    assert_ledger_sound()


def test_each_member_pays_exactly_the_share_they_took_and_it_goes_ahead_when_full(market):
    _org, service, people = market
    pool = start_custom(service, people[0])
    (dani, dani_budget), (ali, ali_budget) = people[1:3]
    join(pool, (dani, dani_budget), 2_000, "Dani")
    assert balances(dani_budget).committed_pence == 2_000
    assert db.session.get(Pool, pool.id).state == "open"
    with pytest.raises(DomainError, match="Choose one of the open shares: £40.00") as refused:
        pools.join_pool(ali, ali.id, pool.id, Pledge(ali_budget.id, "Ali", 2_000))
    assert refused.value.field == "share_pence"
    db.session.rollback()
    join(pool, (ali, ali_budget), 4_000, "Ali")

    assert db.session.get(Pool, pool.id).state == "funded"
    paid = {o.holder_id: o.total_pence for o in db.session.scalars(sa.select(Order))}
    assert paid == {people[0][0].id: 4_000, dani.id: 2_000, ali.id: 4_000}
    assert balances(dani_budget).committed_pence == 2_000  # nothing more, nothing back
    assert_ledger_sound()


def test_a_custom_pool_not_full_by_its_closing_day_gives_everything_back(market, clock):
    _org, service, people = market
    pool = start_custom(service, people[0])
    dani, dani_budget = people[1]
    join(pool, (dani, dani_budget), 2_000, "Dani")
    clock.set(pool.deadline_at + timedelta(seconds=1))
    assert close_due_pools() == {"collecting": 0, "expired": 1, "funded": 0}
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "expired"
    assert count(Order) == 0
    assert balances(dani_budget).committed_pence == 0
    assert balances(people[0][1]).committed_pence == 0
    assert_ledger_sound()


def test_leaving_opens_the_place_again_at_its_amount(market):
    _org, service, people = market
    pool = start_custom(service, people[0])
    dani, dani_budget = people[1]
    member = join(pool, (dani, dani_budget), 2_000, "Dani")
    pools.leave_pool(dani, member.id)
    db.session.commit()
    assert balances(dani_budget).committed_pence == 0
    places = db.session.scalars(sa.select(PoolPlace).order_by(PoolPlace.place)).all()
    assert [p.member_id is None for p in places] == [False, True, True]
    ali, ali_budget = people[2]
    join(pool, (ali, ali_budget), 2_000, "Ali")
    assert balances(ali_budget).committed_pence == 2_000


def test_a_newcomer_refilling_a_short_pool_takes_the_failed_place_at_its_amount(market, clock):
    _org, service, people = market
    pool = start_custom(service, people[0])
    dani, dani_budget = people[1]
    pools.join_pool(dani, dani.id, pool.id, Pledge(dani_budget.id, "Dani", 4_000))
    # Pat pays by card but never saves one, so the £20.00 share does not come in.
    pat = make_user("holder", name="Pat Low")
    pat_budget = make_funded_budget(pat, amount_pence=5_000, route="direct")
    failing = join(pool, (pat, pat_budget), 2_000, "Pat")
    clock.set(pool.deadline_at + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "short"
    assert db.session.get(PoolMember, failing.id).state == "failed"

    ali, ali_budget = people[2]
    with pytest.raises(DomainError, match="Choose one of the open shares: £20.00"):
        pools.join_pool(ali, ali.id, pool.id, Pledge(ali_budget.id, "Ali", 4_000))
    db.session.rollback()
    newcomer = join(pool, (ali, ali_budget), 2_000, "Ali")
    assert db.session.get(PoolMember, failing.id).state == "released"
    assert balances(pat_budget).committed_pence == 0
    assert db.session.get(PoolMember, newcomer.id).share_pence == 2_000
    assert db.session.get(Pool, pool.id).state == "funded"
    paid = sorted(db.session.scalars(sa.select(Order.total_pence)))
    assert paid == [2_000, 4_000, 4_000] and sum(paid) == 10_000
    assert balances(ali_budget).committed_pence == 2_000
    assert_ledger_sound()


def test_a_refused_approval_opens_its_place_for_someone_new_at_the_same_amount(app):
    strict = organisation(auto_approve_limit_pence=0)
    easy = organisation()
    staff = make_account_manager(strict)
    service = group_service()
    sam = holder_with_budget("Sam", organisation=easy)
    pool = start_custom(service, sam, shares=(3_000, 7_000))
    dani, dani_budget = holder_with_budget("Dani", organisation=strict)
    member = join(pool, (dani, dani_budget), 7_000, "D")
    # Full, so it collects at once, and is short of the approval.
    assert db.session.get(Pool, pool.id).state == "short"
    pools.refuse_pledge(staff, member.id, "more than the plan allows")
    db.session.commit()
    ali, ali_budget = holder_with_budget("Ali", organisation=easy)
    join(pool, (ali, ali_budget), 7_000, "A")
    assert db.session.get(Pool, pool.id).state == "funded"
    assert sorted(db.session.scalars(sa.select(Order.total_pence))) == [3_000, 7_000]


@pytest.mark.parametrize("shares, message", [
    ((4_000, 4_000, 1_000), "The shares add up to £90.00, but the total for 10 sessions is "
                            "£100.00. Make them add up to exactly £100.00"),
    ((10_000, 0), "Each share must be at least 1p"),
    ((10_000,), "Enter at least 2 shares"),
    ((200,) * 50, "Enter 8 shares or fewer"),  # the provider takes up to 8
])
def test_shares_that_do_not_make_sense_are_refused_and_change_nothing(market, shares, message):
    _org, service, people = market
    holder, budget = people[0]
    with pytest.raises(DomainError, match=message) as refused:
        pools.start_pool(holder, holder.id, request(service, sessions=10, shares_pence=shares),
                         Pledge(budget.id, "Sam"))
    assert refused.value.field == "shares_pence"
    db.session.rollback()
    assert count(Pool) == 0 and count(PoolPlace) == 0
    assert balances(budget).committed_pence == 0


def test_more_than_fifty_places_are_refused(app):
    service = group_service(price_pence=100, capacity=None)
    holder, budget = holder_with_budget("Sam", organisation=organisation())
    with pytest.raises(DomainError, match="Enter 50 shares or fewer"):
        pools.start_pool(holder, holder.id, request(service, sessions=51,
                                                    shares_pence=(100,) * 51),
                         Pledge(budget.id, "Sam"))


def test_a_share_cannot_be_chosen_in_an_equal_pool_or_left_out_of_a_custom_one(market):
    _org, service, people = market
    (sam, sam_budget), (dani, dani_budget) = people[:2]
    equal = pools.start_pool(sam, sam.id, request(service), Pledge(sam_budget.id, "S")).pool
    db.session.commit()
    with pytest.raises(DomainError, match="shares the cost equally"):
        pools.join_pool(dani, dani.id, equal.id, Pledge(dani_budget.id, "D", 2_000))
    db.session.rollback()
    ali, ali_budget = people[2]
    custom = start_custom(service, (ali, ali_budget))
    with pytest.raises(DomainError, match="Choose one of the open shares: £40.00, £20.00"):
        pools.join_pool(dani, dani.id, custom.id, Pledge(dani_budget.id, "D"))
    db.session.rollback()
    assert balances(dani_budget).committed_pence == 0


def test_of_two_people_taking_the_last_place_at_an_amount_one_gets_it(market, monkeypatch):
    _org, service, people = market
    pool = start_custom(service, people[0])
    (dani, dani_budget), (ali, ali_budget) = people[1:3]
    dani_member = join(pool, (dani, dani_budget), 2_000, "D")
    # Ali's request saw the £20.00 place open a moment before Dani's pledge took it.
    monkeypatch.setattr(shares, "check_open", lambda pool, share_pence: None)
    with pytest.raises(PoolFull, match="Someone has just taken that share. Choose another."):
        pools.join_pool(ali, ali.id, pool.id, Pledge(ali_budget.id, "A", 2_000))
    db.session.rollback()
    assert count(PoolMember) == 2 and balances(ali_budget).committed_pence == 0
    assert db.session.get(Pool, pool.id).member_count == 2
    assert db.session.get(Pool, pool.id).places[2].member_id == dani_member.id


def test_the_database_keeps_each_place_at_its_amount_and_funds_only_at_the_target(market):
    _org, service, people = market
    pool = start_custom(service, people[0])
    dani, dani_budget = people[1]
    member = join(pool, (dani, dani_budget), 2_000, "D")
    refusals = [
        # A member in a place at another amount than they pledged.
        ("UPDATE pool_places SET member_id = :member WHERE pool_id = :pool AND place = 2",
         {"member": member.id}),
        # A place's share changed after someone pledged.
        ("UPDATE pool_places SET share_pence = 1000 WHERE pool_id = :pool AND place = 1", {}),
        # A place added after someone pledged.
        ("INSERT INTO pool_places (pool_id, place, share_pence) VALUES (:pool, 4, 500)", {}),
        # Funded with a place empty and the shares short of the target.
        ("UPDATE pools SET state = 'funded' WHERE id = :pool", {}),
    ]
    for sql, values in refusals:
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text(sql), {"pool": pool.id, **values})
        db.session.rollback()
    assert db.session.get(Pool, pool.id).state == "open"
    assert sorted(p.share_pence for p in db.session.get(Pool, pool.id).places) == [
        2_000, 4_000, 4_000]
