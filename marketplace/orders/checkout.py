"""The "check your order" step: which budgets a person may use for a service, and what an
order would cost and leave behind, without writing anything.

Invariants: nothing here writes to the database; the refusals use the same rules and words as
orders.services.place_order (which checks again, under a lock, when the order is placed), so
the page and the server never disagree about what is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget
from marketplace.budgets.plans import current_outcomes
from marketplace.budgets.statements import route_label
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.money import format_pence
from marketplace.orders.services import (
    OrderRequest,
    budgets_for_holder,
    check_order_request,
    spending_rule_problem,
)
from marketplace.orders.quoted_price import Price
from marketplace.providers.models import Service


@dataclass(frozen=True)
class BudgetOption:
    budget: Budget
    label: str
    available_pence: int
    #: "Your Health budget can't be used for this because ...", or None when it may be used.
    problem: str | None


@dataclass(frozen=True)
class Quote:
    holder: User
    service: Service
    budget: Budget
    budget_label: str
    request: OrderRequest
    #: What it is priced at: the service's price, or the provider's quote for the need.
    price: Price
    total_pence: int
    available_pence: int
    outcome_text: str

    @property
    def left_after_pence(self) -> int:
        return self.available_pence - self.total_pence


def budget_label(budget: Budget) -> str:
    return f"{budget.stream.name}: {route_label(budget)}"


def budget_options(holder: User, service: Service) -> list[BudgetOption]:
    """Every budget the holder has, with what is available and any spending rule in the way."""
    options = []
    for budget in budgets_for_holder(holder.id):
        available = ledger.budget_balances(budget.id).available_pence
        options.append(BudgetOption(
            budget=budget, label=budget_label(budget), available_pence=available,
            problem=spending_rule_problem(budget, service),
        ))
    return options


def outcome_choices(holder: User) -> list[tuple[int, str]]:
    return [(outcome.id, outcome.text) for outcome in current_outcomes(holder)]


def orderable_service(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or service.status != "active":
        raise NotFound("That service is not available to order.")
    return service


def quote_order(actor: User, holder_id: int, request: OrderRequest) -> Quote:
    """What this order would cost and leave in the budget, or the DomainError (with the field
    it concerns) that placing it would meet."""
    holder = consent.holder_for(actor, holder_id, "buy")
    orderable_service(request.service_id)
    budget, service, price = check_order_request(actor, holder, request)
    total = request.quantity * price.unit_price_pence
    available = ledger.budget_balances(budget.id).available_pence
    if total > available:
        raise DomainError(
            f"There is not enough left in this budget: {format_pence(available)} is available "
            f"and this order costs {format_pence(total)}.",
            field="budget_id", code="insufficient_funds",
        )
    return Quote(
        holder=holder, service=service, budget=budget, budget_label=budget_label(budget),
        request=request, price=price, total_pence=total, available_pence=available,
        outcome_text=dict(outcome_choices(holder)).get(request.outcome_id, "")
        if request.outcome_id else "",
    )
