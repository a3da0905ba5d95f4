"""Property-based tests of the money rules (issue #3, "Rules").

Hypothesis runs random sequences of allocations and instalments falling due, orders on
managed accounts and direct payments, every order action (taken by the right person and by the
wrong ones), time passing (auto-confirm), refunds and payout runs, and after EVERY step checks
what must always hold:

- every ledger transaction's lines sum to zero; no cached balance differs from its lines; no
  guarded balance (a budget's available or reserved money, a provider's payable or in-payout
  money) is below zero;
- for each budget, allocated = spent + committed + available, where allocated is exactly the
  instalments that have fallen due, committed exactly the totals of that budget's orders still
  holding a reservation and spent exactly the totals of its confirmed or paid-out orders;
- each provider's payable money is exactly the totals of its confirmed orders not in a sent
  payout run, its in-payout money those in a sent run, and money paid out those paid; the
  funding stream has given out exactly what the budgets were allocated;
- each order is in the state an independent model of the rules expects, and a refused action
  (wrong state, wrong person, not enough money, a spending rule) changes nothing at all.

People, providers and services are made once per test (password hashing is slow); the money
tables are emptied before every example, so each example starts from nothing and a failing one
replays exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from marketplace.accounts.models import SupporterGrant, User
from marketplace.budgets import services as budgets
from marketplace.budgets.models import Budget, FundingStream, Instalment, ManagedAccountOrganisation
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import GUARDED_KINDS, LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.ledger.services import InsufficientFunds
from marketplace.times import utcnow
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.services import OrderRequest, SpendingRuleRefusal
from marketplace.payouts import runs as payouts
from marketplace.payouts import details as payout_details
from marketplace.payouts.models import PayoutRun
from marketplace.payouts.runs import PayoutRefused
from marketplace.providers.models import Service
from tests.database import empty_tables
from tests.factories import make_account_manager, make_provider, make_service, make_user

#: Tables emptied before every example: everything money touches. People, organisations,
#: providers, services, the funding stream and its spending rule are kept.
MONEY_TABLES = {
    "allocations", "budgets", "instalments", "orders", "order_events", "notifications",
    "email_messages", "ledger_accounts", "ledger_transactions", "ledger_lines",
    "card_payments", "card_refunds", "webhook_events", "payout_runs", "payout_items",
    "payout_orders",
}

# The rules of an order, written out again here independently of orders/states.py:
# action -> (states it may be taken from, state it leads to, who may take it).
RULES: dict[str, tuple[frozenset[str], str, str]] = {
    "approve": (frozenset({"awaiting_approval"}), "awaiting_provider", "organisation"),
    "accept": (frozenset({"awaiting_provider"}), "accepted", "provider"),
    "deliver": (frozenset({"accepted"}), "delivered", "provider"),
    "dispute": (frozenset({"delivered"}), "disputed", "holder"),
    "confirm": (frozenset({"delivered"}), "confirmed", "holder"),
    "resolve_pay": (frozenset({"disputed"}), "confirmed", "resolver"),
    "resolve_release": (frozenset({"disputed"}), "cancelled", "resolver"),
    "refund": (frozenset({"confirmed"}), "refunded", "provider"),
    "reject": (frozenset({"awaiting_approval"}), "cancelled", "organisation"),
    "decline": (frozenset({"awaiting_provider"}), "declined", "provider"),
    "cancel": (
        frozenset({"awaiting_payment", "awaiting_approval", "awaiting_provider", "accepted"}),
        "cancelled", "holder",
    ),
}
#: States in which an order's total is still set aside in its budget.
RESERVING = {"awaiting_payment", "awaiting_approval", "awaiting_provider", "accepted",
             "delivered", "disputed"}
SPENT = {"confirmed", "paid_out"}
FORWARD = {"approve", "accept", "deliver", "confirm", "resolve_pay"}
PEOPLE = ("holder", "supporter", "other_holder", "manager", "other_manager", "provider",
          "other_provider", "commissioner")
#: Days after delivery that an order confirms itself: the organisation's setting (managed),
#: the marketplace's default (direct payments).
AUTO_CONFIRM_DAYS = 2
#: Service prices: a few typical ones first (Hypothesis leans towards early choices), or any.
PRICES = st.sampled_from([2_500, 400, 9_000]) | st.integers(1, 6_000)
DIRECT_AUTO_CONFIRM_DAYS = 7


@dataclass(frozen=True)
class World:
    holder: int
    supporter: int
    other_holder: int
    manager: int
    other_manager: int
    commissioner: int
    organisation: int
    stream: int
    #: name -> service id: "s1" (provider one), "s2" (provider two), "blocked" (provider two,
    #: a category the stream's spending rule forbids).
    services: dict[str, int]
    #: provider id -> the id of the user who runs it.
    provider_owners: dict[int, int]


def make_world() -> World:
    holder = make_user("holder", name="Sam Patel")
    supporter = make_user("supporter", name="Alex Patel")
    db.session.add(SupporterGrant(
        holder_id=holder.id, supporter_id=supporter.id, invite_email=supporter.email,
        scopes=["view", "buy"], token_hash="property-test-grant", accepted_at=utcnow(),
    ))
    organisation = budgets.create_managed_account_organisation(
        name="Holding Together", auto_confirm_days=AUTO_CONFIRM_DAYS
    )
    other_organisation = budgets.create_managed_account_organisation(name="Elsewhere Accounts")
    stream = budgets.create_funding_stream(name="Adult social care", kind="social_care")
    budgets.set_spending_rule(stream, category="advocacy",
                              reason="advocacy is paid for separately by the council.")
    db.session.commit()
    one, two = make_provider(), make_provider()
    for number, provider in enumerate((one, two)):
        payout_details.save_payout_details(provider, "bacs_file", account_name=f"Provider {number}",
                                    sort_code="12-34-56", account_number=f"1234567{number}")
    db.session.commit()
    services = {
        "s1": make_service(one, price_pence=2_500).id,
        "s2": make_service(two, price_pence=4_000, title="Allotment mornings").id,
        "blocked": make_service(two, price_pence=1_000, title="Advocacy", category="advocacy").id,
    }
    return World(
        holder=holder.id, supporter=supporter.id, other_holder=make_user("holder").id,
        manager=make_account_manager(organisation).id,
        other_manager=make_account_manager(other_organisation).id,
        commissioner=make_user("commissioner").id, organisation=organisation.id,
        stream=stream.id, services=services,
        provider_owners={one.id: one.owner_id, two.id: two.owner_id},
    )


def empty_money_tables() -> None:
    db.session.rollback()
    empty_tables(db.session.connection(), MONEY_TABLES)
    db.session.commit()
    # SQLite reuses the ids of deleted rows: forget the last example's objects.
    db.session.expunge_all()


def snapshot() -> tuple:
    """Everything a refused action must leave exactly as it was."""
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return (
        tuple(db.session.execute(
            sa.select(LedgerAccount.code, LedgerAccount.balance_pence).order_by(LedgerAccount.code)
        )),
        count(LedgerTransaction),
        count(LedgerLine),
        tuple(db.session.execute(sa.select(Order.id, Order.state).order_by(Order.id))),
        count(OrderEvent),
    )


def sum_of(values) -> int:
    return sum(values, 0)


class MoneyMachine(RuleBasedStateMachine):
    world: World  # set by the test that runs the machine

    def __init__(self):
        super().__init__()
        empty_money_tables()
        self.today = date(2026, 4, 6)
        self.ready = False
        self.budget_ids: list[int] = []
        #: order id -> the state the rules say it is in.
        self.expected: dict[int, str] = {}
        self.auto_confirm_at: dict[int, object] = {}
        self.last_instalment_on = self.today
        #: run id -> [status, payer ("manager" or "commissioner"), set of order ids].
        self.runs: dict[int, list] = {}

    # ------------------------------------------------------------ helpers

    def user(self, user_id: int) -> User:
        return db.session.get(User, user_id)

    def person(self, who: str, order: Order | None = None) -> User:
        if who == "provider":
            return self.user(self.world.provider_owners[order.provider_id])
        if who == "other_provider":
            other = next(p for p in self.world.provider_owners if p != order.provider_id)
            return self.user(self.world.provider_owners[other])
        return self.user(getattr(self.world, who))

    def can_see(self, who: str, order: Order) -> bool:
        if who in ("holder", "supporter", "provider"):
            return True
        if who == "commissioner":  # only to settle a dispute about a direct payment
            return order.route == "direct" and self.expected[order.id] == "disputed"
        return who == "manager" and order.route == "managed"

    @staticmethod
    def may_take(who: str, taken_by: str, order: Order) -> bool:
        if taken_by == "holder":
            return who in ("holder", "supporter")
        if taken_by == "provider":
            return who == "provider"
        if taken_by == "organisation":
            return who == "manager" and order.route == "managed"
        if taken_by == "resolver":
            return who == ("manager" if order.route == "managed" else "commissioner")
        return False

    def in_run(self, order_id: int, statuses: tuple[str, ...]) -> bool:
        return any(order_id in orders_ and status in statuses
                   for status, _, orders_ in self.runs.values())

    # ------------------------------------------------------------ rules

    @initialize(limit=st.sampled_from([0, 3_000, 10_000]),
                prices=st.tuples(*[PRICES, PRICES]))
    def set_the_scene(self, limit, prices):
        organisation = db.session.get(ManagedAccountOrganisation, self.world.organisation)
        organisation.auto_approve_limit_pence = limit
        for name, price in zip(("s1", "s2"), prices):
            db.session.get(Service, self.world.services[name]).price_pence = price
        db.session.commit()
        self.ready = True

    @precondition(lambda self: len(self.budget_ids) < 3)
    @rule(amount=st.sampled_from([150_000, 60_000, 20_000]) | st.integers(1, 100_000),
          instalments=st.integers(1, 4),
          every_weeks=st.integers(1, 4), route=st.sampled_from(["managed", "direct", "split"]))
    def allocate(self, amount, instalments, every_weeks, route):
        if route == "split" and amount < 2:
            route = "managed"
        allocation = budgets.allocate_budget(
            holder=self.user(self.world.holder),
            stream=db.session.get(FundingStream, self.world.stream),
            total_pence=amount, period_start=self.today,
            period_end=self.today + timedelta(weeks=every_weeks * instalments),
            instalment_every_weeks=every_weeks, route=route,
            managed_by=db.session.get(ManagedAccountOrganisation, self.world.organisation),
            direct_pence=amount // 2 if route == "split" else None,
            allocated_by=self.user(self.world.commissioner), today=self.today,
        )
        db.session.commit()
        self.budget_ids.extend(budget.id for budget in allocation.budgets)
        self.last_instalment_on = max(
            [self.last_instalment_on]
            + [i.due_on for budget in allocation.budgets for i in budget.instalments]
        )

    @precondition(lambda self: self.today < self.last_instalment_on)
    @rule(weeks=st.integers(1, 6))
    def instalments_fall_due(self, weeks):
        self.today += timedelta(weeks=weeks)
        budgets.pay_due_instalments(self.today, actor=self.user(self.world.commissioner))
        db.session.commit()

    @precondition(lambda self: self.budget_ids)
    @rule(data=st.data(), service=st.sampled_from(["s1", "s2", "blocked"]),
          quantity=st.integers(1, 3), by=st.sampled_from(["holder", "supporter"]))
    def place_order(self, data, service, quantity, by):
        budget_id = data.draw(st.sampled_from(self.budget_ids), label="budget")
        budget = db.session.get(Budget, budget_id)
        price = db.session.get(Service, self.world.services[service]).price_pence
        available = ledger.budget_balances(budget_id).available_pence
        before = snapshot()
        try:
            order = orders.place_order(
                self.person(by), self.world.holder,
                OrderRequest(budget_id, self.world.services[service], quantity),
            )
            db.session.commit()
        except SpendingRuleRefusal:
            db.session.rollback()
            assert service == "blocked"
            assert snapshot() == before
            return
        except InsufficientFunds as refused:
            db.session.rollback()
            assert quantity * price > available
            assert refused.message.startswith("There is not enough left in this budget")
            assert snapshot() == before
            return
        assert service != "blocked" and quantity * price <= available
        assert order.total_pence == quantity * price
        if budget.route == "direct":
            state = "awaiting_payment"
        else:
            organisation = db.session.get(ManagedAccountOrganisation, self.world.organisation)
            auto = order.total_pence <= organisation.auto_approve_limit_pence
            state = "awaiting_provider" if auto else "awaiting_approval"
        assert order.state == state
        reservation = db.session.scalar(
            sa.select(LedgerTransaction).where(
                LedgerTransaction.order_id == order.id, LedgerTransaction.kind == "reserve"
            )
        )
        assert reservation.actor_id == getattr(self.world, by)
        assert reservation.on_behalf_of_id == (self.world.holder if by == "supporter" else None)
        self.expected[order.id] = state

    def possible_actions(self, order_id: int) -> list[str]:
        return [name for name, (from_states, _, _) in RULES.items()
                if self.expected[order_id] in from_states
                and not (name == "refund" and self.in_run(order_id, ("draft", "sent")))]

    def live_orders(self) -> list[int]:
        return sorted(order_id for order_id in self.expected if self.possible_actions(order_id))

    @precondition(lambda self: self.live_orders())
    @rule(data=st.data())
    def someone_moves_an_order_on(self, data):
        """The right person takes one of the actions the order's state allows."""
        order_id = data.draw(st.sampled_from(self.live_orders()), label="order")
        order = db.session.get(Order, order_id)
        # Forward steps are more likely: the deep states (delivered, disputed, confirmed,
        # paid out, refunded) are where the money settles.
        actions = self.possible_actions(order_id)
        actions = [action for action in actions for _ in range(3 if action in FORWARD else 1)]
        action = data.draw(st.sampled_from(actions), label="action")
        people = [who for who in PEOPLE if self.can_see(who, order)
                  and self.may_take(who, RULES[action][2], order)]
        if people:
            self.take(order_id, action, data.draw(st.sampled_from(people), label="who"))

    @precondition(lambda self: self.expected)
    @rule(data=st.data(), action=st.sampled_from(sorted(RULES)), who=st.sampled_from(PEOPLE))
    def anyone_tries_anything(self, data, action, who):
        """Any action by anyone: mostly refused, and a refusal changes nothing."""
        self.take(data.draw(st.sampled_from(sorted(self.expected)), label="order"), action, who)

    def orders_being_paid(self) -> list[int]:
        return sorted(o for o, state in self.expected.items()
                      if state == "confirmed" and self.in_run(o, ("draft", "sent")))

    @precondition(lambda self: self.orders_being_paid())
    @rule(data=st.data())
    def provider_tries_to_refund_an_order_being_paid(self, data):
        self.take(data.draw(st.sampled_from(self.orders_being_paid()), label="order"),
                  "refund", "provider")

    def take(self, order_id: int, action: str, who: str) -> None:
        order = db.session.get(Order, order_id)
        from_states, to_state, taken_by = RULES[action]
        visible = self.can_see(who, order)
        allowed = visible and self.expected[order_id] in from_states and self.may_take(
            who, taken_by, order
        )
        if action == "refund" and self.in_run(order_id, ("draft", "sent")):
            allowed = False  # a payment run is about to pay it: that run must be cancelled first
        actor = self.person(who, order)
        before = snapshot()
        try:
            orders.act_on_order(actor, order_id, action, note="property test")
            db.session.commit()
        except DomainError as refused:
            db.session.rollback()
            assert not allowed, f"{who} was refused {action} on a {self.expected[order_id]} order"
            # Someone who may not see the order is told it does not exist.
            assert isinstance(refused, NotFound) == (not visible)
            assert snapshot() == before
            return
        assert allowed, f"{who} could {action} a {self.expected[order_id]} order"
        self.expected[order_id] = to_state
        if to_state == "delivered":
            order = db.session.get(Order, order_id)
            days = AUTO_CONFIRM_DAYS if order.route == "managed" else DIRECT_AUTO_CONFIRM_DAYS
            assert order.auto_confirm_at == order.delivered_at + timedelta(days=days)
            self.auto_confirm_at[order_id] = order.auto_confirm_at

    @precondition(lambda self: "awaiting_payment" in self.expected.values())
    @rule(data=st.data())
    def card_payment_succeeds(self, data):
        """What the payments area does once Stripe confirms a card payment (no Stripe here)."""
        waiting = sorted(o for o, state in self.expected.items() if state == "awaiting_payment")
        order_id = data.draw(st.sampled_from(waiting), label="order")
        orders.record_card_payment_succeeded(db.session.get(Order, order_id))
        db.session.commit()
        self.expected[order_id] = "awaiting_provider"

    def payer(self, who: str):
        return payouts.payer_for(self.user(getattr(self.world, who)))

    @precondition(lambda self: "confirmed" in self.expected.values())
    @rule(who=st.sampled_from(["manager", "commissioner"]))
    def create_payout_run(self, who):
        route = "managed" if who == "manager" else "direct"
        owed = {o for o, state in self.expected.items() if state == "confirmed"
                and db.session.get(Order, o).route == route
                and not self.in_run(o, ("draft", "sent", "paid"))}
        before = snapshot()
        try:
            created = payouts.create_payout_run(self.user(getattr(self.world, who)),
                                                self.payer(who), "bacs_file")
            db.session.commit()
        except PayoutRefused:
            db.session.rollback()
            assert not owed
            assert snapshot() == before
            return
        assert owed and not created.left_out
        run = created.run
        assert {o.id for item in run.items for o in payouts.item_orders(item)} == owed
        assert snapshot()[:3] == before[:3]  # no money moves until the run is sent
        self.runs[run.id] = ["draft", who, owed]

    @precondition(lambda self: self.runs)
    @rule(data=st.data(), step=st.sampled_from(["send", "mark_paid", "cancel"]))
    def payout_run_step(self, data, step):
        run_id = data.draw(st.sampled_from(sorted(self.runs)), label="run")
        status, who, run_orders = self.runs[run_id]
        all_confirmed = all(self.expected[o] == "confirmed" for o in run_orders)
        allowed = {
            "send": status == "draft" and all_confirmed,
            "mark_paid": status == "sent" and all_confirmed,
            "cancel": status in ("draft", "sent"),
        }[step]
        function = {
            "send": payouts.send_payout_run, "mark_paid": payouts.mark_payout_run_paid,
            "cancel": payouts.cancel_payout_run,
        }[step]
        before = snapshot()
        try:
            function(self.user(getattr(self.world, who)), self.payer(who), run_id)
            db.session.commit()
        except PayoutRefused:
            db.session.rollback()
            assert not allowed, f"{step} was refused for a {status} run"
            assert snapshot() == before
            return
        assert allowed, f"{step} was allowed for a {status} run"
        if step == "send":
            self.runs[run_id][0] = "sent"
        elif step == "mark_paid":
            self.runs[run_id][0] = "paid"
            for order_id in run_orders:
                self.expected[order_id] = "paid_out"
        else:
            self.runs[run_id] = ["cancelled", who, set()]

    @precondition(lambda self: "delivered" in self.expected.values())
    @rule(days=st.sampled_from([1, AUTO_CONFIRM_DAYS + 1, DIRECT_AUTO_CONFIRM_DAYS + 1]))
    def time_passes(self, days):
        now = utcnow() + timedelta(days=days)
        due = [order_id for order_id, state in self.expected.items()
               if state == "delivered" and self.auto_confirm_at[order_id] <= now]
        assert orders.auto_confirm_due_orders(now=now) == len(due)
        db.session.commit()
        for order_id in due:
            self.expected[order_id] = "confirmed"

    # ------------------------------------------------------------ what always holds

    @invariant()
    def the_money_adds_up(self):
        if not self.ready:
            return
        assert ledger.unbalanced_transactions() == []
        assert ledger.drifted_accounts() == []
        below_zero = db.session.scalars(
            sa.select(LedgerAccount.code).where(
                LedgerAccount.kind.in_(GUARDED_KINDS), LedgerAccount.balance_pence < 0
            )
        ).all()
        assert below_zero == []

        rows = db.session.execute(
            sa.select(Order.id, Order.budget_id, Order.provider_id, Order.total_pence, Order.state)
        ).all()
        assert {row.id: row.state for row in rows} == self.expected

        due = dict(db.session.execute(
            sa.select(Instalment.budget_id, sa.func.sum(Instalment.amount_pence))
            .where(Instalment.due_on <= self.today).group_by(Instalment.budget_id)
        ).all())
        unpaid_but_due = db.session.scalar(
            sa.select(sa.func.count()).select_from(Instalment)
            .where(Instalment.due_on <= self.today, Instalment.transaction_id.is_(None))
        )
        assert unpaid_but_due == 0
        allocated_everywhere = 0
        for budget_id in self.budget_ids:
            balances = ledger.budget_balances(budget_id)
            mine = [row for row in rows if row.budget_id == budget_id]
            assert balances.allocated_pence == int(due.get(budget_id) or 0)
            assert balances.committed_pence == sum_of(
                row.total_pence for row in mine if self.expected[row.id] in RESERVING
            )
            assert balances.spent_pence == sum_of(
                row.total_pence for row in mine if self.expected[row.id] in SPENT
            )
            assert balances.allocated_pence == (
                balances.spent_pence + balances.committed_pence + balances.available_pence
            )
            allocated_everywhere += balances.allocated_pence

        statuses = dict(db.session.execute(sa.select(PayoutRun.id, PayoutRun.status)).all())
        assert statuses == {run_id: run[0] for run_id, run in self.runs.items()}
        for provider_id in self.world.provider_owners:
            confirmed = [row for row in rows if row.provider_id == provider_id
                         and self.expected[row.id] == "confirmed"]
            being_paid = sum_of(row.total_pence for row in confirmed
                                if self.in_run(row.id, ("sent",)))
            payable = ledger.account_balance(ledger.provider_payable_account(provider_id))
            in_payout = ledger.account_balance(ledger.provider_in_payout_account(provider_id))
            assert payable == sum_of(row.total_pence for row in confirmed) - being_paid
            assert in_payout == being_paid
        paid = ledger.account_balance(ledger.payouts_paid_account())
        assert paid == sum_of(row.total_pence for row in rows
                              if self.expected[row.id] == "paid_out")
        funding = ledger.account_balance(ledger.funding_account(self.world.stream))
        assert funding == -allocated_everywhere
        db.session.rollback()  # the account look-ups above may have created empty accounts

    def teardown(self):
        db.session.rollback()


def test_random_sequences_of_money_actions_never_lose_a_penny(app):
    class Machine(MoneyMachine):
        world = make_world()

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=20, stateful_step_count=50, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )
