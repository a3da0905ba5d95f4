"""Random pool lives, by both routes (issue 8, "Rules"). Hypothesis starts a pool and runs
joins, leaves, cards that work or fail, approvals and refusals, payments of a missing share,
deadlines and the end of a short pool's time, and after EVERY step checks, against its own
model of the money:

- the ledger balances and no cached balance drifts;
- each holder's committed money is exactly their live pledges plus their share orders, and
  the rest of their budget is available: a released pledge returned every penny;
- the provider is owed at most once, and only for a funded pool: share orders exist only then,
  one per paying member, adding up to exactly the target;
- nobody pays more than their share; no card is captured unless the pool funded, and every
  captured card is exactly its member's share; an ended pool leaves no hold on any card;
- the pool's place count is its live members.

The card service is a small in-memory stand-in (saved cards, holds, captures, refunds,
idempotent by key), so each example is fast and replays exactly; the real localstripe flows
are in test_cards.py.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, \
    run_state_machine_as_test

from marketplace import times
from marketplace.accounts.models import User
from marketplace.budgets import services as budgets
from marketplace.budgets.models import FundingStream, ManagedAccountOrganisation
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.services import InsufficientFunds
from marketplace.orders.models import Order
from marketplace.payments import card_payments
from marketplace.payments import stripe_gateway as gateway
from marketplace.pools import cards
from marketplace.pools import services as pools
from marketplace.pools.funding import close_due_pools
from marketplace.pools.models import LIVE_MEMBER_STATES, Pool, PoolMember
from marketplace.pools.services import Pledge, PoolRequest
from marketplace.times import london_today
from tests.conftest import FixedClock
from tests.database import empty_tables
from tests.factories import make_account_manager, make_user
from tests.pools.helpers import group_service

TABLES = {
    "allocations", "budgets", "instalments", "orders", "order_events", "notifications",
    "email_messages", "ledger_accounts", "ledger_transactions", "ledger_lines",
    "card_payments", "card_refunds", "pools", "pool_members",
}
CARDS = {"good": "4242424242424242", "fails": "4000000000000341",
         "declined": "4000000000000002"}


@dataclass
class FakeCardService:
    """Saved cards, holds and captures, each call answered once per idempotency key."""

    behaviour: dict[str, str] = field(default_factory=dict)
    answers: dict[str, object] = field(default_factory=dict)
    holds: dict[str, int] = field(default_factory=dict)
    captured: dict[str, int] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)
    refunded: dict[str, int] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _once(self, key, make):
        if key not in self.answers:
            try:
                self.answers[key] = ("ok", make())
            except gateway.CardDeclined as declined:
                self.answers[key] = ("declined", declined)
        kind, value = self.answers[key]
        if kind == "declined":
            raise value
        return value

    def _decline(self):
        raise gateway.CardDeclined(gateway.DECLINED_MESSAGE, field="card_number")

    def install(self, monkeypatch) -> None:
        def method(number, exp_month, exp_year, cvc, key):
            def make():
                pm = f"pm_{next(self.ids)}"
                self.behaviour[pm] = next(k for k, v in CARDS.items() if v == number)
                return {"id": pm}
            return self._once(key, make)

        def confirm_setup(setup_id, pm, key, return_url=None):
            return self._once(key, lambda: self._decline() if self.behaviour[pm] == "declined"
                              else {"id": setup_id, "status": "succeeded"})

        def authorise(amount, customer, pm, metadata, key):
            def make():
                if self.behaviour[pm] != "good":
                    self._decline()
                pi = f"pi_{next(self.ids)}"
                self.holds[pi] = amount
                return {"id": pi, "status": "requires_capture"}
            return self._once(key, make)

        def capture(pi, key):
            def make():
                assert pi in self.holds and pi not in self.cancelled
                self.captured[pi] = self.holds[pi]
                return {"id": pi, "status": "succeeded"}
            return self._once(key, make)

        def cancel(pi, key):
            return self._once(key, lambda: self.cancelled.add(pi) or {"id": pi})

        def refund(pi, amount, metadata, key):
            return self._once(key, lambda: self.refunded.__setitem__(pi, amount) or {"id": key})

        for name, fake in {
            "create_card_payment_method": method,
            "create_customer": lambda email, name, key: self._once(
                key, lambda: {"id": f"cus_{next(self.ids)}"}),
            "create_setup_intent": lambda customer, metadata, key: self._once(
                key, lambda: {"id": f"seti_{next(self.ids)}"}),
            "confirm_setup_intent": confirm_setup,
            "retrieve_payment_method": lambda pm: {"card": {"last4": "4242"}},
            "authorise_off_session": authorise,
            "capture_payment_intent": capture,
            "cancel_payment_intent": cancel,
            "create_refund": refund,
        }.items():
            monkeypatch.setattr(gateway, name, fake)


@dataclass
class World:
    holders: list[int]
    routes: list[str]
    staff: int
    service: int
    provider_owner: int
    stream: int
    commissioner: int


def make_world() -> World:
    budgets.create_managed_account_organisation(name="Easy", auto_approve_limit_pence=10**6)
    strict = budgets.create_managed_account_organisation(name="Strict", auto_approve_limit_pence=0)
    db.session.commit()
    staff = make_account_manager(strict)
    service = group_service(price_pence=1_000, capacity=20)
    routes = ["managed", "managed", "strict", "direct", "direct"]
    holders = [make_user("holder", name=f"Member {n}").id for n in range(len(routes))]
    stream = budgets.create_funding_stream(name="Social care", kind="social_care")
    db.session.commit()
    return World(holders, routes, staff.id, service.id, service.provider.owner_id, stream.id,
                 make_user("commissioner").id)


class PoolMachine(RuleBasedStateMachine):
    world: World
    cards: FakeCardService

    def __init__(self):
        super().__init__()
        db.session.rollback()
        empty_tables(db.session.connection(), TABLES)
        db.session.commit()
        db.session.expunge_all()
        self.cards.__init__()
        self.pool_id: int | None = None
        self.budget_ids: list[int] = []
        self.totals: list[int] = []
        today = london_today()
        stream = db.session.get(FundingStream, self.world.stream)
        commissioner = db.session.get(User, self.world.commissioner)
        organisations = {o.name: o for o in db.session.scalars(
            sa.select(ManagedAccountOrganisation))}
        for holder_id, route, total in zip(self.world.holders, self.world.routes,
                                           (5_000, 3_000, 5_000, 5_000, 1_500)):
            allocation = budgets.allocate_budget(
                holder=db.session.get(User, holder_id), stream=stream, total_pence=total,
                period_start=today, period_end=today + timedelta(days=7),
                instalment_every_weeks=4, route="direct" if route == "direct" else "managed",
                managed_by=None if route == "direct" else organisations[
                    "Strict" if route == "strict" else "Easy"],
                allocated_by=commissioner, today=today)
            self.budget_ids.append(allocation.budgets[0].id)
            self.totals.append(total)
        db.session.commit()

    # ------------------------------------------------------------ helpers

    def holder(self, i: int) -> User:
        return db.session.get(User, self.world.holders[i])

    def pool(self) -> Pool | None:
        return db.session.get(Pool, self.pool_id) if self.pool_id else None

    def member(self, i: int) -> PoolMember | None:
        if not self.pool_id:
            return None
        return db.session.scalar(sa.select(PoolMember).where(
            PoolMember.pool_id == self.pool_id, PoolMember.holder_id == self.world.holders[i],
            PoolMember.state.in_(LIVE_MEMBER_STATES)))

    def attempt(self, step) -> None:
        try:
            step()
            db.session.commit()
        except (DomainError, InsufficientFunds):
            db.session.rollback()
        db.session.expire_all()

    # ------------------------------------------------------------ rules

    @precondition(lambda self: self.pool_id is None)
    @rule(starter=st.integers(0, 4), fewest=st.sampled_from([2, 2, 3]), extra=st.integers(0, 2),
          sessions=st.integers(3, 9))
    def start(self, starter, fewest, extra, sessions):
        request = PoolRequest(service_id=self.world.service, sessions=sessions,
                              min_members=fewest, max_members=fewest + extra,
                              deadline_on=london_today() + timedelta(days=7), open_to="area")

        def step():
            started = pools.start_pool(self.holder(starter), self.world.holders[starter],
                                       request, Pledge(self.budget_ids[starter], "Me"))
            self.pool_id = started.pool.id
        self.attempt(step)

    @precondition(lambda self: self.pool_id is not None)
    @rule(i=st.integers(0, 4))
    def join(self, i):
        self.attempt(lambda: pools.join_pool(self.holder(i), self.world.holders[i],
                                             self.pool_id, Pledge(self.budget_ids[i], "Me")))

    @precondition(lambda self: self.pool_id is not None)
    @rule(i=st.integers(0, 4))
    def leave(self, i):
        member = self.member(i)
        if member is not None:
            self.attempt(lambda: pools.leave_pool(self.holder(i), member.id))

    @precondition(lambda self: self.pool_id is not None)
    @rule(i=st.integers(3, 4), kind=st.sampled_from(sorted(CARDS)))
    def save_or_pay_by_card(self, i, kind):
        member = self.member(i)
        if member is None:
            return
        number = CARDS[kind]
        card = card_payments.TestCard(number, 12, london_today().year + 2, "123")
        if self.pool().state == "short":
            self.attempt(lambda: cards.pay_share_now(self.holder(i), member.id, card=card))
        else:
            self.attempt(lambda: cards.save_card(self.holder(i), member.id, card=card))

    @precondition(lambda self: self.pool_id is not None)
    @rule(approve=st.booleans())
    def organisation_decides(self, approve):
        member = self.member(2)
        if member is None:
            return
        staff = db.session.get(User, self.world.staff)
        if approve:
            self.attempt(lambda: pools.approve_pledge(staff, member.id))
        else:
            self.attempt(lambda: pools.refuse_pledge(staff, member.id, "Not in the plan"))

    @precondition(lambda self: self.pool_id is not None)
    @rule()
    def time_passes(self):
        pool = self.pool()
        moment = pool.short_until if pool.state == "short" else pool.deadline_at
        if moment is not None and pool.state in ("open", "short", "collecting"):
            times._clock.set(moment + timedelta(seconds=1))
        close_due_pools()
        db.session.commit()
        db.session.expire_all()

    def teardown(self):
        pool = self.pool()
        event(f"the pool ended the example {pool.state if pool else 'never started'}")

    # ------------------------------------------------------------ what must always hold

    @invariant()
    def the_ledger_balances(self):
        assert ledger.unbalanced_transactions() == []
        assert ledger.drifted_accounts() == []

    @invariant()
    def every_budget_holds_exactly_its_live_pledges_and_share_orders(self):
        for holder_id, budget_id, total in zip(self.world.holders, self.budget_ids, self.totals):
            pledged = sum(db.session.scalars(sa.select(PoolMember.pledged_pence).where(
                PoolMember.budget_id == budget_id,
                PoolMember.state.in_(("pledged", "secured", "failed")))))
            shares = sum(db.session.scalars(sa.select(Order.total_pence).where(
                Order.budget_id == budget_id)))
            balances = ledger.budget_balances(budget_id)
            assert balances.committed_pence == pledged + shares
            assert balances.available_pence == total - pledged - shares
            assert balances.spent_pence == 0

    @invariant()
    def the_provider_is_owed_once_and_only_for_a_funded_pool(self):
        pool = self.pool()
        orders = db.session.scalars(sa.select(Order)).all()
        if pool is None or pool.state != "funded":
            assert orders == []
            return
        paid = [m for m in pool.members if m.state == "paid"]
        assert len(orders) == len(paid) >= pool.min_members
        assert sum(order.total_pence for order in orders) == pool.target_pence
        assert {m.order_id for m in paid} == {order.id for order in orders}

    @invariant()
    def nobody_pays_more_than_their_share(self):
        pool = self.pool()
        members = pool.members if pool else []
        for member in members:
            assert member.share_pence is None or member.share_pence <= member.pledged_pence
        for member in members:
            if member.payment_intent_id in self.cards.captured:
                assert self.cards.captured[member.payment_intent_id] == member.share_pence
        funded = pool is not None and pool.state == "funded"
        if not funded:
            assert set(self.cards.captured) <= set(self.cards.refunded)

    @invariant()
    def an_ended_pool_leaves_no_hold_on_a_card(self):
        pool = self.pool()
        if pool is not None and pool.state in ("expired", "cancelled"):
            for pi in self.cards.holds:
                assert pi in self.cards.cancelled or pi in self.cards.refunded

    @invariant()
    def places_taken_are_the_live_members(self):
        pool = self.pool()
        if pool is not None:
            assert pool.member_count == len(pool.live_members) <= pool.max_members


def test_random_pool_lives_never_lose_a_penny(app, monkeypatch):
    fake = FakeCardService()
    fake.install(monkeypatch)
    monkeypatch.setattr(times, "_clock", FixedClock(times.utcnow()))

    class Machine(PoolMachine):
        world = make_world()
        cards = fake

    run_state_machine_as_test(Machine, settings=settings(
        max_examples=30, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
