"""What commissioners do beyond budgets.services: find a budget holder by email, create
organisations with unique names, create staff and commissioner accounts, and read
allocations for their pages.

Commissioners never read support plans or orders here: allocations and the money paid in are
all these functions return. Callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.accounts import services as account_services
from marketplace.accounts.forms import MIN_PASSWORD_LENGTH
from marketplace.accounts.models import User
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import (
    Allocation,
    Budget,
    FundingStream,
    ManagedAccountOrganisation,
    OrganisationMember,
    SpendingRule,
)
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger

ALLOCATIONS_PER_PAGE = 50


def find_budget_holder(email: str) -> User:
    user = account_services.find_user_by_email(email)
    if user is None:
        raise DomainError(
            f"No budget holder has the email address {email.strip()}. Check the address, or "
            "ask the person to create a budget holder account first.",
            field="holder",
        )
    if user.role != "holder":
        raise DomainError(
            f"The account with the email address {email.strip()} is not a budget holder's "
            "account, so it cannot be given a budget.",
            field="holder",
        )
    return user


# --- funding streams and organisations --------------------------------------------------------


def funding_streams() -> list[FundingStream]:
    return list(db.session.scalars(sa.select(FundingStream).order_by(FundingStream.name)))


def get_funding_stream(stream_id: int) -> FundingStream:
    stream = db.session.get(FundingStream, stream_id)
    if stream is None:
        raise NotFound("We could not find that funding stream.")
    return stream


def organisations() -> list[ManagedAccountOrganisation]:
    return list(
        db.session.scalars(
            sa.select(ManagedAccountOrganisation).order_by(ManagedAccountOrganisation.name)
        )
    )


def get_organisation(organisation_id: int) -> ManagedAccountOrganisation:
    organisation = db.session.get(ManagedAccountOrganisation, organisation_id)
    if organisation is None:
        raise NotFound("We could not find that organisation.")
    return organisation


def create_organisation(*, name: str, **details) -> ManagedAccountOrganisation:
    """budgets.services.create_managed_account_organisation, refusing a name already used."""
    taken = db.session.scalar(
        sa.select(ManagedAccountOrganisation.id).where(
            sa.func.lower(ManagedAccountOrganisation.name) == name.strip().lower()
        )
    )
    if taken is not None:
        raise DomainError("An organisation with this name already exists", field="name")
    return budget_services.create_managed_account_organisation(name=name, **details)


# --- accounts ---------------------------------------------------------------------------------


def _create_account(*, email: str, password: str, display_name: str, role: str) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Use at least {MIN_PASSWORD_LENGTH} characters", field="password")
    return account_services.register_user(
        email=email, password=password, display_name=display_name, role=role
    )


def create_staff_account(
    organisation: ManagedAccountOrganisation, *, email: str, password: str, display_name: str
) -> User:
    """An account_manager account working for the organisation."""
    user = _create_account(
        email=email, password=password, display_name=display_name, role="account_manager"
    )
    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
    db.session.flush()
    return user


def create_commissioner_account(*, email: str, password: str, display_name: str) -> User:
    return _create_account(
        email=email, password=password, display_name=display_name, role="commissioner"
    )


def staff_of(organisation: ManagedAccountOrganisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(OrganisationMember, OrganisationMember.user_id == User.id)
            .where(OrganisationMember.organisation_id == organisation.id)
            .order_by(User.display_name)
        )
    )


def commissioners() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == "commissioner").order_by(User.display_name)
        )
    )


# --- allocations ------------------------------------------------------------------------------


def allocations_page(page: int):
    """Newest first, with holder, stream and budgets loaded for the list."""
    query = (
        sa.select(Allocation)
        .options(
            so.joinedload(Allocation.holder),
            so.joinedload(Allocation.stream),
            so.selectinload(Allocation.budgets).joinedload(Budget.managed_by),
        )
        .order_by(Allocation.created_at.desc(), Allocation.id.desc())
    )
    return db.paginate(query, page=page, per_page=ALLOCATIONS_PER_PAGE, error_out=False)


def get_allocation(allocation_id: int) -> Allocation:
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        raise NotFound("We could not find that allocation.")
    return allocation


@dataclass(frozen=True)
class BudgetSchedule:
    """One route's share of an allocation, its instalments and what the ledger has paid in."""

    budget: Budget
    paid_in_pence: int


def allocation_schedules(allocation: Allocation) -> list[BudgetSchedule]:
    return [
        BudgetSchedule(budget, ledger.budget_balances(budget.id).allocated_pence)
        for budget in allocation.budgets
    ]


def allocate(
    *, holder_email: str, stream_id: int, organisation_id: int | None, route: str,
    direct_pence: int | None, **details,
) -> Allocation:
    """budgets.services.allocate_budget for a holder named by email address. The organisation
    and direct-payment share are used only by the routes that need them."""
    holder = find_budget_holder(holder_email)
    stream = get_funding_stream(stream_id)
    managed_by = None
    if route in ("managed", "split") and organisation_id is not None:
        managed_by = get_organisation(organisation_id)
    return budget_services.allocate_budget(
        holder=holder, stream=stream, route=route, managed_by=managed_by,
        direct_pence=direct_pence if route == "split" else None, **details,
    )


def get_spending_rule(stream: FundingStream, rule_id: int) -> SpendingRule:
    rule = db.session.get(SpendingRule, rule_id)
    if rule is None or rule.stream_id != stream.id:
        raise NotFound("That rule does not exist.")
    return rule
