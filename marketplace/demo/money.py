"""The demo's money: funding streams, a managed-account organisation, budgets, a support plan,
a supporter's grant and orders in every state, written after the demo market.

Invariants:
- Everything goes through the real domain services (budgets, plans, supporters, orders,
  payouts), so the ledger is exactly what real use would leave: balanced transactions, no
  drifted account, and every budget's allocated = spent + committed + available.
- Deterministic: services are picked by id from the generated market and every choice is
  fixed here; only dates follow the day it is loaded (the budget year is the financial year
  containing `today`, and instalments due by then are paid in).
- Every direct-payment order paid by card has its card payment record, as the app writes it:
  a CardPayment row taken through payments.card_payments.mark_succeeded (the step the app and
  the Stripe webhook share), which gives it its receipt number and moves the order on. Only the
  PaymentIntent is a stand-in, so no Stripe server is needed (`flask reconcile` against a
  real or local Stripe therefore lists the demo's payments as unknown to it).
- The one payout run is a Bacs file run by the managed-account organisation, marked paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.accounts import supporters
from marketplace.accounts.models import User
from marketplace.budgets import plans
from marketplace.budgets import services as budgets
from marketplace.budgets.models import Budget, OrganisationMember
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from marketplace.payments import card_payments
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import CardPayment
from marketplace.payouts import runs as payouts
from marketplace.payouts import details as payout_details
from marketplace.providers.models import Provider, Service
from marketplace.times import london_today

ORGANISATION_NAME = "Salford Independent Living Support"
AUTO_APPROVE_LIMIT_PENCE = 5000
BLOCKED_CATEGORY = "wellbeing"
BLOCKED_REASON = "talking therapies are provided by the NHS talking therapies service"

#: More budget holders (email, display name): they log in with the demo password too.
EXTRA_HOLDERS: list[tuple[str, str]] = [
    ("demo-holder-2@example.org", "Priya Shah (demo budget holder)"),
    ("demo-holder-3@example.org", "Tom Byrne (demo budget holder)"),
    ("demo-holder-4@example.org", "Aisha Bello (demo budget holder)"),
]

ABOUT_ME = (
    "I live in Eccles with my cat. Since my last stay in hospital I want to get out more, "
    "see people who understand, and not have to explain myself every time."
)
#: (words, theme): the demo holder's outcomes.
OUTCOMES = [
    ("Get out of the flat at least three times a week", "daily-life"),
    ("Meet people who have been through something similar", "relationships"),
    ("Feel confident using the bus on my own again", "community"),
]


@dataclass(frozen=True)
class MoneySummary:
    streams: int
    budgets: int
    orders: int
    states: int
    organisation_name: str


def financial_year(today: date) -> tuple[date, date]:
    start = date(today.year if today >= date(today.year, 4, 1) else today.year - 1, 4, 1)
    return start, date(start.year + 1, 4, 1)


def load_demo_money(logins: dict[str, User], today: date | None = None) -> MoneySummary:
    """Write the money side of the demo. `logins` maps role -> that demo login, already flushed,
    as are the EXTRA_HOLDERS accounts. Flushes; the caller commits."""
    today = today or london_today()
    start, end = financial_year(today)
    commissioner, holder = logins["commissioner"], logins["holder"]
    supporter, manager = logins["supporter"], logins["account_manager"]
    demo_provider = db.session.scalar(
        sa.select(Provider).join(User, User.id == Provider.owner_id)
        .where(User.email == "demo-provider@example.org"))

    social_care = budgets.create_funding_stream(
        name="Adult social care", kind="social_care",
        description="Council personal budgets for eligible social care needs.")
    health = budgets.create_funding_stream(
        name="Personal health budget", kind="health",
        description="NHS personal health budgets for people with long-term mental health needs.")
    budgets.set_spending_rule(health, category=BLOCKED_CATEGORY, reason=BLOCKED_REASON)
    joint = budgets.create_funding_stream(
        name="Joint budget", kind="joint",
        description="Health and social care money joined in one budget.")

    organisation = budgets.create_managed_account_organisation(
        name=ORGANISATION_NAME, kind="ulo", auto_approve_limit_pence=AUTO_APPROVE_LIMIT_PENCE,
        auto_confirm_days=7, contact_email=manager.email)
    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=manager.id))
    db.session.flush()
    db.session.expire(organisation, ["members"])

    def allocate(person, stream, total, route, direct=None):
        allocation = budgets.allocate_budget(
            holder=person, stream=stream, total_pence=total, period_start=start, period_end=end,
            instalment_every_weeks=4, route=route, direct_pence=direct,
            managed_by=organisation if route != "direct" else None, allocated_by=commissioner,
            today=today)
        return {budget.route: budget for budget in allocation.budgets}

    split = allocate(holder, social_care, 1_560_000, "split", direct=780_000)
    extra = [db.session.scalar(sa.select(User).where(User.email == email))
             for email, _ in EXTRA_HOLDERS]
    priya = allocate(extra[0], health, 1_040_000, "managed")["managed"]
    tom = allocate(extra[1], joint, 650_000, "direct")["direct"]
    aisha = allocate(extra[2], social_care, 910_000, "managed")["managed"]

    plans.save_plan(holder, about_me=ABOUT_ME, review_on=date(start.year, 10, 1)
                    if date(start.year, 10, 1) > today else date(end.year, 1, 15), actor=holder)
    outcomes = [plans.add_outcome(holder, text, actor=holder, theme=theme)
                for text, theme in OUTCOMES]
    _, token = supporters.invite_supporter(
        holder, email=supporter.email, relationship="Brother", scopes=["view", "plan", "buy"])
    supporters.accept_invitation(token, supporter)

    picks = _ServicePicker(demo_provider)
    direct, managed = split["direct"], split["managed"]
    owner = demo_provider.owner
    made: list[Order] = []

    def order(actor, budget, service, quantity, steps=(), outcome=None, note=""):
        placed = orders.place_order(
            actor, budget.holder_id,
            OrderRequest(budget_id=budget.id, service_id=service.id, quantity=quantity,
                         note_to_provider=note, outcome_id=outcome.id if outcome else None),
            idempotency_key=f"demo-{len(made) + 1}")
        for step in steps:
            _take(step, placed, manager=manager)
        made.append(placed)
        return placed

    # Paid out first: the payout run takes every confirmed order the organisation holds.
    paid = order(holder, managed, picks.cheap(), 1, [("provider", owner, "accept"),
                 ("provider", owner, "deliver"), (holder, "confirm")], outcome=outcomes[1])
    payout_details.save_payout_details(demo_provider, "bacs_file", account_name="Demo ULO account",
                                sort_code="30-94-57", account_number="00733445")
    payer = payouts.payer_for(manager)
    run = payouts.create_payout_run(manager, payer, "bacs_file").run
    payouts.send_payout_run(manager, payer, run.id)
    payouts.mark_payout_run_paid(manager, payer, run.id)
    if paid.state != "paid_out":
        raise RuntimeError(f"The demo payout run left its order {paid.state}")

    order(holder, direct, picks.ours(), 2, note="Mornings suit me best.")  # awaiting_payment
    order(holder, managed, picks.dear(), picks.over_limit_quantity(),
          outcome=outcomes[0])  # awaiting_approval: over the £50 limit
    order(supporter, direct, picks.ours(), 1, ["paid"], outcome=outcomes[2])  # awaiting_provider
    order(holder, managed, picks.cheap(), 1, [("provider", owner, "accept")])  # accepted
    order(holder, direct, picks.ours(), 2, ["paid", ("provider", owner, "accept"),
          ("provider", owner, "deliver")], outcome=outcomes[0])  # delivered
    other = picks.other()
    other_owner = other.provider.owner
    order(holder, direct, other, 1, ["paid", ("provider", other_owner, "accept"),
          ("provider", other_owner, "deliver"), (holder, "confirm")])  # confirmed
    order(holder, managed, picks.dear(), picks.over_limit_quantity(), [
          ("manager", "approve"), ("provider", owner, "accept"), ("provider", owner, "deliver"),
          (holder, "dispute")],
          note="Two sessions, please.")  # disputed, after approval over the limit
    order(holder, direct, picks.ours(), 1, [(holder, "cancel")])  # cancelled
    order(holder, managed, picks.dear(), picks.over_limit_quantity(),
          [("manager", "reject")])  # cancelled: not approved
    order(holder, managed, picks.cheap(), 1, [("provider", owner, "accept"),
          ("provider", owner, "deliver"), (holder, "dispute"),
          ("manager", "resolve_release")])  # cancelled: money returned after a dispute
    other = picks.other()
    order(extra[0], priya, other, 1, [("provider", other.provider.owner, "decline")])  # declined
    other = picks.other()
    other_owner = other.provider.owner
    order(extra[2], aisha, other, 1, [("provider", other_owner, "accept"),
          ("provider", other_owner, "deliver"), (extra[2], "confirm"),
          ("provider", other_owner, "refund")])  # refunded
    order(extra[2], aisha, picks.dear(), picks.over_limit_quantity())  # awaiting_approval
    other = picks.other()
    order(extra[1], tom, other, 2, ["paid", ("provider", other.provider.owner, "accept")])
    db.session.flush()

    return MoneySummary(
        streams=3, budgets=db.session.scalar(sa.select(sa.func.count()).select_from(Budget)),
        orders=len(made), states=len({o.state for o in made}), organisation_name=organisation.name)


def _take(step, order: Order, *, manager: User) -> None:
    if step == "paid":
        pay_by_card(order)
        return
    if step[0] == "provider":
        _, actor, action = step
    elif step[0] == "manager":
        actor, action = manager, step[1]
    else:
        actor, action = step
    orders.act_on_order(actor, order.id, action)


def pay_by_card(order: Order) -> None:
    """The card payment the holder would make on the order's pay page, as it is recorded when
    Stripe says it succeeded."""
    payment = CardPayment(order_id=order.id, amount_pence=order.total_pence,
                          idempotency_key=f"cardpayment-demo-{order.id}", status="creating",
                          paid_by_id=order.placed_by_id)
    db.session.add(payment)
    db.session.flush()
    intent = {"id": f"pi_demo_{payment.id:06d}", "amount": payment.amount_pence,
              "currency": gateway.CURRENCY, "payment_method": {"card": {"last4": "4242"}}}
    if not card_payments.mark_succeeded(payment, intent):
        raise RuntimeError(f"The demo card payment for order {order.id} did not succeed")


class _ServicePicker:
    """Active services in id order that every demo stream may buy: the demo provider's own,
    and other providers' (each pick a different provider), never the same one twice."""

    def __init__(self, demo_provider: Provider):
        query = (sa.select(Service).where(Service.status == "active",
                                          Service.category != BLOCKED_CATEGORY,
                                          Service.price_pence > 0)
                 .order_by(Service.id))
        self._ours = list(db.session.scalars(query.where(Service.provider_id == demo_provider.id)))
        self._others = list(db.session.scalars(
            query.where(Service.provider_id != demo_provider.id)))
        self._used_providers: set[int] = set()
        self._next_ours = 0

    def ours(self) -> Service:
        service = self._ours[self._next_ours % len(self._ours)]
        self._next_ours += 1
        return service

    def cheap(self) -> Service:
        """One of the demo provider's services at or under the auto-approve limit."""
        return min(self._ours, key=lambda s: (s.price_pence, s.id))

    def dear(self) -> Service:
        return self._ours[0]

    def over_limit_quantity(self) -> int:
        return AUTO_APPROVE_LIMIT_PENCE // self.dear().price_pence + 1

    def other(self) -> Service:
        for service in self._others:
            if service.provider_id not in self._used_providers and service.price_pence <= 5000:
                self._used_providers.add(service.provider_id)
                return service
        raise LookupError("The demo market has too few providers")
