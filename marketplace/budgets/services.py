"""Funding streams, spending rules, managed-account organisations and allocations.

An allocation creates one budget per route and its instalment schedule; money enters a budget
only through the ledger, one allocation transaction per instalment as it falls due. Callers
commit.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import (
    STREAM_KINDS,
    Allocation,
    Budget,
    FundingStream,
    Instalment,
    ManagedAccountOrganisation,
    SpendingRule,
)
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.times import london_today
from marketplace.vocabulary import CATEGORIES


def create_funding_stream(*, name: str, kind: str, description: str = "") -> FundingStream:
    if kind not in dict(STREAM_KINDS):
        raise DomainError("Choose social care, health or joint", field="kind")
    if db.session.scalar(sa.select(FundingStream).where(FundingStream.name == name.strip())):
        raise DomainError("A funding stream with this name already exists", field="name")
    stream = FundingStream(name=name.strip(), kind=kind, description=description.strip())
    db.session.add(stream)
    db.session.flush()
    ledger.funding_account(stream.id)
    return stream


def set_spending_rule(stream: FundingStream, *, category: str, reason: str) -> SpendingRule:
    """Say that a stream may not buy a category, and why (replaces an earlier reason)."""
    if category not in dict(CATEGORIES):
        raise DomainError("Choose a category from the list", field="category")
    if not reason.strip():
        raise DomainError("Say in plain words why this cannot be bought", field="reason")
    rule = db.session.scalar(
        sa.select(SpendingRule).where(
            SpendingRule.stream_id == stream.id, SpendingRule.category == category
        )
    )
    if rule is None:
        rule = SpendingRule(stream_id=stream.id, category=category, reason=reason.strip())
        db.session.add(rule)
    else:
        rule.reason = reason.strip()
    db.session.flush()
    return rule


def remove_spending_rule(stream: FundingStream, rule_id: int) -> None:
    rule = db.session.get(SpendingRule, rule_id)
    if rule is None or rule.stream_id != stream.id:
        raise NotFound("That rule does not exist.")
    db.session.delete(rule)
    db.session.flush()


def create_managed_account_organisation(
    *, name: str, kind: str = "ulo", auto_approve_limit_pence: int = 0,
    auto_confirm_days: int = 7, contact_email: str = "",
) -> ManagedAccountOrganisation:
    if auto_approve_limit_pence < 0:
        raise DomainError("The limit cannot be below zero", field="auto_approve_limit")
    organisation = ManagedAccountOrganisation(
        name=name.strip(), kind=kind, auto_approve_limit_pence=auto_approve_limit_pence,
        auto_confirm_days=auto_confirm_days, contact_email=contact_email,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def instalment_dates(start: date, end: date, every_weeks: int) -> list[date]:
    """Due dates from the start of the period, every so many weeks, before its end."""
    step = timedelta(weeks=every_weeks)
    dates, current = [], start
    while current < end:
        dates.append(current)
        current += step
    return dates


def split_evenly(total_pence: int, parts: int) -> list[int]:
    """Whole pence, the remainder going to the earliest parts: 1000 in 3 -> 334, 333, 333."""
    base, remainder = divmod(total_pence, parts)
    return [base + (1 if index < remainder else 0) for index in range(parts)]


def allocate_budget(
    *,
    holder: User,
    stream: FundingStream,
    total_pence: int,
    period_start: date,
    period_end: date,
    instalment_every_weeks: int,
    route: str,
    managed_by: ManagedAccountOrganisation | None = None,
    direct_pence: int | None = None,
    allocated_by: User,
    today: date | None = None,
) -> Allocation:
    """Allocate money to a person: route is "direct", "managed" or "split".

    For "split", direct_pence is the direct-payment share and the rest is managed. Instalments
    due on or before today are paid in at once.
    """
    if holder.role != "holder":
        raise DomainError("Budgets can only be given to budget holders", field="holder")
    if total_pence <= 0:
        raise DomainError("Enter an amount greater than zero", field="amount")
    if period_end <= period_start:
        raise DomainError("The end of the period must be after its start", field="period_end")
    if instalment_every_weeks < 1:
        raise DomainError("Instalments must be at least a week apart", field="instalment_every_weeks")
    shares: list[tuple[str, int]]
    if route == "direct":
        shares = [("direct", total_pence)]
    elif route == "managed":
        shares = [("managed", total_pence)]
    elif route == "split":
        if direct_pence is None or not 0 < direct_pence < total_pence:
            raise DomainError(
                "For a split, enter a direct-payment share between zero and the whole amount",
                field="direct_amount",
            )
        shares = [("direct", direct_pence), ("managed", total_pence - direct_pence)]
    else:
        raise DomainError("Choose direct payment, managed account or a split", field="route")
    if any(kind == "managed" for kind, _ in shares) and managed_by is None:
        raise DomainError("Choose the organisation that will hold the managed account", field="managed_by")

    allocation = Allocation(
        holder_id=holder.id, stream_id=stream.id, total_pence=total_pence,
        period_start=period_start, period_end=period_end,
        instalment_every_weeks=instalment_every_weeks, created_by_id=allocated_by.id,
    )
    db.session.add(allocation)
    db.session.flush()
    dates = instalment_dates(period_start, period_end, instalment_every_weeks)
    for route_kind, amount in shares:
        budget = Budget(
            allocation_id=allocation.id, holder_id=holder.id, stream_id=stream.id,
            route=route_kind, managed_by_id=managed_by.id if route_kind == "managed" else None,
            planned_pence=amount,
        )
        db.session.add(budget)
        db.session.flush()
        ledger.budget_available_account(budget.id)
        ledger.budget_reserved_account(budget.id)
        for due_on, part in zip(dates, split_evenly(amount, len(dates))):
            if part > 0:
                db.session.add(Instalment(budget_id=budget.id, due_on=due_on, amount_pence=part))
    db.session.flush()
    pay_due_instalments(today or london_today(), actor=allocated_by)
    return allocation


def pay_due_instalments(today: date, *, actor: User | None = None) -> int:
    """Pay in every instalment due on or before today that has not been paid. Safe to rerun."""
    due = db.session.scalars(
        sa.select(Instalment)
        .where(Instalment.transaction_id.is_(None), Instalment.due_on <= today)
        .order_by(Instalment.id)
    ).all()
    for instalment in due:
        budget = instalment.budget
        transaction = ledger.move(
            "allocation",
            f"Instalment of your {budget.stream.budget_name} for {instalment.due_on:%-d %B %Y}",
            instalment.amount_pence,
            ledger.funding_account(budget.stream_id),
            ledger.budget_available_account(budget.id),
            actor_id=actor.id if actor else None,
            idempotency_key=f"instalment-{instalment.id}",
        )
        instalment.transaction_id = transaction.id
    db.session.flush()
    return len(due)


def next_instalment(budget: Budget) -> Instalment | None:
    return db.session.scalar(
        sa.select(Instalment)
        .where(Instalment.budget_id == budget.id, Instalment.transaction_id.is_(None))
        .order_by(Instalment.due_on)
        .limit(1)
    )


def blocked_reason(stream: FundingStream, category: str) -> str | None:
    """Why this stream may not buy the category, or None when it may."""
    for rule in stream.rules:
        if rule.category == category:
            return rule.reason
    return None
