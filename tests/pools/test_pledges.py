"""Starting, joining, leaving and approving pledges: the money each step reserves or gives
back, the places, and who may do what (docs/pools.md)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger.services import InsufficientFunds
from marketplace.notifications.models import Notification
from marketplace.pools import services as pools
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import Pledge, PoolRefusal
from tests.budgets.helpers import make_stream
from tests.factories import make_account_manager, make_funded_budget, make_user
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)


@pytest.fixture
def started(app):
    """Sam starts a pool for 6 sessions at £10: £60, 3 to 4 people, so up to £20 each."""
    org = organisation()
    service = group_service()
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    result = pools.start_pool(sam, sam.id, request(service), Pledge(sam_budget.id, "Sam P"))
    db.session.commit()
    return result, org, service, sam_budget


def test_starting_reserves_the_most_the_starter_could_pay(started):
    result, _org, _service, sam_budget = started
    pool = result.pool
    assert pool.target_pence == 6_000 and pool.member_count == 1 and pool.state == "open"
    assert result.member.pledged_pence == 2_000 and result.member.state == "secured"
    assert balances(sam_budget).committed_pence == 2_000
    assert balances(sam_budget).available_pence == 18_000
    assert pool.invite_token_hash == pools.invite_token_hash(result.invite_token)
    assert result.invite_token not in pool.invite_token_hash
    assert_ledger_sound()


def test_joining_reserves_a_share_and_takes_a_place(started):
    result, org, _service, _ = started
    dani, dani_budget = holder_with_budget("Dani Jones", organisation=org)
    member = pools.join_pool(dani, dani.id, result.pool.id, Pledge(dani_budget.id, "Dani"))
    db.session.commit()
    assert member.pledged_pence == 2_000
    assert balances(dani_budget).committed_pence == 2_000
    assert db.session.get(Pool, result.pool.id).member_count == 2

    with pytest.raises(PoolRefusal, match="You are already in this pool"):
        pools.join_pool(dani, dani.id, result.pool.id, Pledge(dani_budget.id, "Dani again"))
    assert_ledger_sound()


def test_a_pledge_the_budget_cannot_cover_changes_nothing(started):
    result, org, _service, _ = started
    poor, poor_budget = holder_with_budget("Pat Low", amount_pence=1_500, organisation=org)
    with pytest.raises(InsufficientFunds) as refused:
        pools.join_pool(poor, poor.id, result.pool.id, Pledge(poor_budget.id, "Pat"))
    db.session.rollback()
    assert "£15.00 is available and your share is up to £20.00" in refused.value.message
    assert db.session.get(Pool, result.pool.id).member_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoolMember)) == 1
    assert balances(poor_budget).available_pence == 1_500


def test_a_spending_rule_refuses_the_pledge_plainly(started):
    result, org, _service, _ = started
    stream = make_stream(rules=[("arts", "the council already pays for arts groups")])
    holder = make_user("holder", name="Rui Costa")
    budget = make_funded_budget(holder, stream=stream, organisation=org)
    with pytest.raises(DomainError, match="can't be used for this because the council already"):
        pools.join_pool(holder, holder.id, result.pool.id, Pledge(budget.id, "Rui"))
    db.session.rollback()
    assert db.session.get(Pool, result.pool.id).member_count == 1


def test_leaving_gives_back_every_penny_and_the_place(started):
    result, org, _service, _ = started
    dani, dani_budget = holder_with_budget("Dani Jones", organisation=org)
    member = pools.join_pool(dani, dani.id, result.pool.id, Pledge(dani_budget.id, "Dani"))
    db.session.commit()
    pools.leave_pool(dani, member.id)
    db.session.commit()
    assert db.session.get(PoolMember, member.id).state == "left"
    assert balances(dani_budget).committed_pence == 0
    assert balances(dani_budget).available_pence == 20_000
    assert db.session.get(Pool, result.pool.id).member_count == 1
    with pytest.raises(PoolRefusal, match="no longer in this pool"):
        pools.leave_pool(dani, member.id)
    # Leaving is not for good: the same person may pledge again.
    pools.join_pool(dani, dani.id, result.pool.id, Pledge(dani_budget.id, "Dani"))
    db.session.commit()
    assert balances(dani_budget).committed_pence == 2_000
    assert_ledger_sound()


def test_nobody_else_can_leave_or_pledge_for_a_holder(started):
    result, org, _service, sam_budget = started
    stranger = make_user("holder", name="Stranger")
    with pytest.raises(NotFound):
        pools.leave_pool(stranger, result.member.id)
    with pytest.raises(DomainError) as refused:
        pools.join_pool(stranger, result.member.holder_id, result.pool.id,
                        Pledge(sam_budget.id, "Sam"))
    assert refused.value.status in (403, 404)
    staff = make_account_manager(organisation(auto_approve_limit_pence=0))
    with pytest.raises(NotFound):
        pools.approve_pledge(staff, result.member.id)  # not their organisation's budget


def test_starting_refuses_what_cannot_be_pooled(app):
    org = organisation()
    sam, budget = holder_with_budget("Sam", organisation=org)
    service = group_service(capacity=4)
    with pytest.raises(DomainError, match="from 3 to 4 \\(the provider takes up to 4\\)"):
        pools.start_pool(sam, sam.id, request(service, max_members=6), Pledge(budget.id, "S"))
    with pytest.raises(DomainError, match="from tomorrow to six months ahead"):
        pools.start_pool(sam, sam.id, request(service, days=0), Pledge(budget.id, "S"))
    with pytest.raises(DomainError, match="Enter the name other members will see"):
        pools.start_pool(sam, sam.id, request(service), Pledge(budget.id, "   "))
    service.poolable = False
    db.session.commit()
    with pytest.raises(DomainError, match="not said this service can be pooled"):
        pools.start_pool(sam, sam.id, request(service), Pledge(budget.id, "S"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pool)) == 0
    assert balances(budget).committed_pence == 0


def test_a_pledge_over_the_organisations_limit_waits_for_its_approval(app):
    strict = organisation(auto_approve_limit_pence=0)
    staff = make_account_manager(strict)
    service = group_service()
    sam, budget = holder_with_budget("Sam", organisation=strict)
    started = pools.start_pool(sam, sam.id, request(service), Pledge(budget.id, "Sam"))
    db.session.commit()
    assert started.member.state == "pledged"
    messages = db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == staff.id)).all()
    assert any("wants to put up to £20.00 into a group purchase" in m for m in messages)

    pools.approve_pledge(staff, started.member.id)
    db.session.commit()
    assert db.session.get(PoolMember, started.member.id).state == "secured"

    dani, dani_budget = holder_with_budget("Dani", organisation=strict)
    member = pools.join_pool(dani, dani.id, started.pool.id, Pledge(dani_budget.id, "Dani"))
    db.session.commit()
    with pytest.raises(DomainError, match="Say why"):
        pools.refuse_pledge(staff, member.id, "  ")
    pools.refuse_pledge(staff, member.id, "it is more than your plan allows")
    db.session.commit()
    assert db.session.get(PoolMember, member.id).state == "released"
    assert balances(dani_budget).available_pence == 20_000
    assert db.session.get(Pool, started.pool.id).member_count == 1
    assert_ledger_sound()


def test_the_database_refuses_more_members_than_places(started):
    result, *_ = started
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text("UPDATE pools SET member_count = 5 WHERE id = :id"),
                           {"id": result.pool.id})
        db.session.flush()
    db.session.rollback()


def test_a_full_pool_refuses_the_next_pledge(app):
    org = organisation()
    service = group_service()
    people = [holder_with_budget(f"Person {n}", organisation=org) for n in range(3)]
    (sam, sam_budget), *others = people
    started = pools.start_pool(sam, sam.id, request(service, min_members=2, max_members=2),
                               Pledge(sam_budget.id, "Sam"))
    holder, budget = others[0]
    pools.join_pool(holder, holder.id, started.pool.id, Pledge(budget.id, "Two"))
    db.session.commit()
    late, late_budget = others[1]
    with pytest.raises(PoolRefusal, match="no longer taking pledges"):  # full, so funded
        pools.join_pool(late, late.id, started.pool.id, Pledge(late_budget.id, "Three"))
    assert balances(late_budget).committed_pence == 0
