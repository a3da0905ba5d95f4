"""The demo has pools in each state a person meets: open to join, funded into share orders,
short of an approval, and expired with every penny back; the ledger stays sound. (The pool
the demo needs board starts from a quote is tested in tests/needs/test_demo_needs.py.)"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Quote
from marketplace.orders.models import Order
from marketplace.pools.models import Pool
from tests.pools.helpers import assert_ledger_sound


def test_seeding_makes_pools_in_every_state_a_person_meets(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    from_quotes = sa.select(Quote.pool_id).where(Quote.pool_id.is_not(None))
    states = dict(db.session.execute(
        sa.select(Pool.state, sa.func.count()).where(Pool.id.not_in(from_quotes))
        .group_by(Pool.state)).all())
    assert states == {"open": 1, "funded": 1, "short": 1, "expired": 1, "collecting": 1}
    # The open pool has custom shares, one place still open at its amount.
    open_pool = db.session.scalar(sa.select(Pool).where(Pool.state == "open",
                                                        Pool.id.not_in(from_quotes)))
    assert open_pool.share_rule == "custom"
    assert sum(place.share_pence for place in open_pool.places) == open_pool.target_pence
    assert [place.member_id is None for place in open_pool.places] == [False, True, False]
    funded = db.session.scalar(sa.select(Pool).where(Pool.state == "funded"))
    shares = db.session.scalars(sa.select(Order).where(
        Order.price_unit == "pool_share", Order.provider_id == funded.provider_id)).all()
    assert sum(order.total_pence for order in shares) == funded.target_pence
    expired = db.session.scalar(sa.select(Pool).where(Pool.state == "expired"))
    assert {member.state for member in expired.members} == {"released"}
    assert_ledger_sound()


def test_the_demo_pool_that_is_collecting_is_funded_by_the_workers_next_run(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    collecting = db.session.scalar(sa.select(Pool).where(Pool.state == "collecting"))
    assert {member.state for member in collecting.live_members} == {"secured"}
    from marketplace.jobs import catalogue
    from marketplace.jobs.runner import run_due_jobs

    run_due_jobs("worker-a", catalogue.load())
    db.session.expire_all()
    assert db.session.get(Pool, collecting.id).state == "funded"
    assert_ledger_sound()


def test_the_demo_holders_live_where_the_open_pool_is_so_it_is_near_them(app, runner, client):
    from marketplace.demo.commands import DEMO_PASSWORD
    from tests.orders.pages import text

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from_quotes = sa.select(Quote.pool_id).where(Quote.pool_id.is_not(None))
    open_pool = db.session.scalar(sa.select(Pool).where(Pool.state == "open",
                                                        Pool.open_to == "area",
                                                        Pool.id.not_in(from_quotes)))
    client.post("/login", data={"email": "demo-holder@example.org", "password": DEMO_PASSWORD})
    account, near = text(client.get("/account")), text(client.get("/pools"))
    where = open_pool.title.split("a group from ")[1]
    assert f"Your area {where}" in account
    assert open_pool.title in near[near.index("Pools near you"):]
