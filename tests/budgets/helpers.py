"""Builders for the budget and supporter tests: funded budgets, ledger movements as the order
flow would post them, card payments, and supporter grants made through the real services."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import sqlalchemy as sa

from marketplace.accounts import supporters
from marketplace.budgets import services as budgets
from marketplace.budgets.models import Budget
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.times import UTC
from tests.database import ledger_guards_off
from tests.factories import PASSWORD, make_provider, make_service, make_user

_streams = itertools.count(1)


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def make_stream(name: str | None = None, kind: str = "social_care", rules=()):
    stream = budgets.create_funding_stream(
        name=name or f"Adult social care {next(_streams)}",
        kind=kind,
        description="Money from the council for support that helps you live well.",
    )
    for category, reason in rules:
        budgets.set_spending_rule(stream, category=category, reason=reason)
    db.session.commit()
    return stream


def allocate(
    holder,
    *,
    stream=None,
    route="direct",
    total=52_000,
    direct=None,
    organisation=None,
    start=date(2026, 4, 1),
    end=date(2027, 4, 1),
    today=None,
):
    """Allocate a budget; with today=start only the first instalment is paid in."""
    commissioner = make_user("commissioner")
    stream = stream or make_stream()
    if route in ("managed", "split") and organisation is None:
        organisation = budgets.create_managed_account_organisation(
            name=f"Salford Peer Accounts {next(_streams)}"
        )
    allocation = budgets.allocate_budget(
        holder=holder,
        stream=stream,
        total_pence=total,
        period_start=start,
        period_end=end,
        instalment_every_weeks=4,
        route=route,
        managed_by=organisation,
        direct_pence=direct,
        allocated_by=commissioner,
        today=today or start,
    )
    db.session.commit()
    return allocation.budgets


def funded_budget(holder=None, **options) -> Budget:
    holder = holder or make_user("holder")
    return allocate(holder, **options)[0]


def accounts(budget):
    return (ledger.budget_available_account(budget.id), ledger.budget_reserved_account(budget.id))


def reserve(budget, amount, description="Order: funds set aside", actor=None, on_behalf_of=None):
    available, reserved = accounts(budget)
    transaction = ledger.move(
        "reserve",
        description,
        amount,
        available,
        reserved,
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
    )
    db.session.commit()
    return transaction


def settle(budget, amount, provider, description="Paid to the provider", order=None):
    _, reserved = accounts(budget)
    transaction = ledger.move(
        "settle", description, amount, reserved, ledger.provider_payable_account(provider.id),
        order_id=order.id if order else None,
    )
    db.session.commit()
    return transaction


def release(budget, amount, description="Order cancelled: money back"):
    available, reserved = accounts(budget)
    transaction = ledger.move("release", description, amount, reserved, available)
    db.session.commit()
    return transaction


def refund(budget, amount, provider, description="Refund from the provider", order=None):
    available, _ = accounts(budget)
    transaction = ledger.move(
        "refund", description, amount, ledger.provider_payable_account(provider.id), available,
        order_id=order.id if order else None,
    )
    db.session.commit()
    return transaction


def backdate(transaction, when: datetime) -> None:
    """Tests only: pretend a posting happened at another time (the app never edits these, and
    the database refuses to, so its guards are off for this one change)."""
    connection = db.session.connection()
    with ledger_guards_off(connection):
        for model, key in ((LedgerTransaction, LedgerTransaction.id),
                           (LedgerLine, LedgerLine.transaction_id)):
            connection.execute(sa.update(model.__table__).where(key == transaction.id)
                               .values(created_at=when))
    db.session.commit()
    db.session.expire_all()


def card_order(
    budget,
    *,
    service=None,
    amount=2500,
    receipt="RCPT-0001",
    last4="4242",
    paid_at=datetime(2026, 4, 10, 12, 0, tzinfo=UTC),
    status="succeeded",
    outcome=None,
):
    """A direct-payment order paid by card and confirmed, as the app leaves it: the order, its
    card payment, and the money set aside then paid to the provider (both dated paid_at)."""
    service = service or make_service(make_provider())
    order = Order(
        holder_id=budget.holder_id,
        budget_id=budget.id,
        service_id=service.id,
        provider_id=service.provider_id,
        route=budget.route,
        quantity=1,
        unit_price_pence=amount,
        price_unit=service.price_unit,
        total_pence=amount,
        service_title=service.title,
        state="confirmed",
        placed_by_id=budget.holder_id,
        outcome_id=outcome.id if outcome else None,
    )
    db.session.add(order)
    db.session.flush()
    payment = CardPayment(
        order_id=order.id,
        amount_pence=amount,
        idempotency_key=f"card-payment-{order.id}",
        status=status,
        card_last4=last4,
        receipt_number=receipt,
        succeeded_at=paid_at,
        created_at=paid_at,
    )
    db.session.add(payment)
    db.session.commit()
    available, reserved = accounts(budget)
    for kind, source, destination in (
        ("reserve", available, reserved),
        ("settle", reserved, ledger.provider_payable_account(service.provider_id)),
    ):
        transaction = ledger.move(kind, f"Order {order.id}: {service.title}", amount, source,
                                  destination, order_id=order.id)
        db.session.commit()  # PostgreSQL checks the lines at commit, before they are back-dated
        backdate(transaction, paid_at)
    return order, payment


def card_refund(payment, amount, when):
    refund_row = CardRefund(
        card_payment_id=payment.id,
        amount_pence=amount,
        idempotency_key=f"refund-{payment.id}-{amount}",
        status="succeeded",
        created_at=when,
    )
    db.session.add(refund_row)
    db.session.commit()
    return refund_row


def grant(holder, supporter, scopes, relationship="my sister"):
    """An accepted grant, through the real invite and accept services."""
    invitation, token = supporters.invite_supporter(
        holder, email=supporter.email, relationship=relationship, scopes=scopes
    )
    supporters.accept_invitation(token, supporter)
    db.session.commit()
    return invitation
