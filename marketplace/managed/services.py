"""What a managed-account organisation's staff see and change.

Invariants: a member of staff belongs to exactly one organisation (OrganisationMember.user_id
is unique) and every query here is limited to the budgets that organisation holds; a person
who is not a member gets NotFound. Money moves only through orders.services (approve, refuse,
settle disputes) and the ledger; settings changes are checked here. Callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, ManagedAccountOrganisation, OrganisationMember
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.models import Order

#: Most an organisation can let through without a person looking: £10,000.
MAX_AUTO_APPROVE_PENCE = 1_000_000
MAX_AUTO_CONFIRM_DAYS = 60


def organisation_for_staff(user: User) -> ManagedAccountOrganisation:
    organisation = None
    if user.role == "account_manager":
        organisation = db.session.scalar(
            sa.select(ManagedAccountOrganisation)
            .join(OrganisationMember,
                  OrganisationMember.organisation_id == ManagedAccountOrganisation.id)
            .where(OrganisationMember.user_id == user.id)
        )
    if organisation is None:
        raise NotFound("You are not a member of staff of a managed-account organisation.")
    return organisation


def _orders(organisation: ManagedAccountOrganisation, *states: str, newest_first: bool = False,
            limit: int | None = None):
    query = (
        sa.select(Order).join(Budget, Budget.id == Order.budget_id)
        .where(Budget.managed_by_id == organisation.id, Order.route == "managed")
    )
    if states:
        query = query.where(Order.state.in_(states))
    if newest_first:
        query = query.order_by(Order.created_at.desc(), Order.id.desc())
    else:
        query = query.order_by(Order.created_at, Order.id)
    return list(db.session.scalars(query.limit(limit)))


def approval_queue(organisation: ManagedAccountOrganisation) -> list[Order]:
    """Orders waiting for a person to approve or refuse them, oldest first."""
    return _orders(organisation, "awaiting_approval")


def disputes(organisation: ManagedAccountOrganisation) -> list[Order]:
    return _orders(organisation, "disputed")


def recent_orders(organisation: ManagedAccountOrganisation, limit: int = 50) -> list[Order]:
    return _orders(organisation, newest_first=True, limit=limit)


@dataclass(frozen=True)
class HeldAccount:
    budget: Budget
    holder_name: str
    stream_name: str
    balances: ledger.BudgetBalances


def held_accounts(organisation: ManagedAccountOrganisation) -> list[HeldAccount]:
    """Every budget the organisation holds, with its figures from the ledger."""
    budgets = db.session.scalars(
        sa.select(Budget).where(Budget.managed_by_id == organisation.id).order_by(Budget.id)
    ).all()
    accounts = [
        HeldAccount(budget=budget, holder_name=budget.holder.display_name,
                    stream_name=budget.stream.name, balances=ledger.budget_balances(budget.id))
        for budget in budgets
    ]
    return sorted(accounts, key=lambda account: (account.holder_name.lower(), account.budget.id))


def update_settings(organisation: ManagedAccountOrganisation, *, auto_approve_limit_pence: int,
                    auto_confirm_days: int) -> ManagedAccountOrganisation:
    if not 0 <= auto_approve_limit_pence <= MAX_AUTO_APPROVE_PENCE:
        raise DomainError("Enter an amount from £0 to £10,000", field="auto_approve_limit")
    if not 1 <= auto_confirm_days <= MAX_AUTO_CONFIRM_DAYS:
        raise DomainError(f"Enter a number of days from 1 to {MAX_AUTO_CONFIRM_DAYS}",
                          field="auto_confirm_days")
    organisation.auto_approve_limit_pence = auto_approve_limit_pence
    organisation.auto_confirm_days = auto_confirm_days
    db.session.flush()
    return organisation
