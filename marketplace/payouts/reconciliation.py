"""The managed-account organisation's reconciliation: each budget it holds and each run it made,
with every total worked out twice, once from the ledger and once from the orders and runs, so
any difference shows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.budgets.models import Budget
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.payouts.models import PayoutItem, PayoutOrder, PayoutRun
from marketplace.payouts.runs import HOLDING_STATES, Payer, runs_for
from marketplace.providers.models import Provider


@dataclass
class BudgetRow:
    budget: Budget
    balances: ledger.BudgetBalances
    held_by_orders_pence: int
    settled_by_orders_pence: int


@dataclass
class RunLine:
    provider_name: str
    amount_pence: int
    #: From the runs: this line's money paid, or being paid.
    run_paid_pence: int
    run_in_payout_pence: int
    #: From the ledger, independently.
    ledger_paid_pence: int
    ledger_in_payout_pence: int

    @property
    def agrees(self) -> bool:
        return (self.run_paid_pence, self.run_in_payout_pence) == (
            self.ledger_paid_pence, self.ledger_in_payout_pence)


@dataclass
class Check:
    label: str
    ledger_pence: int
    records_label: str
    records_pence: int

    @property
    def difference_pence(self) -> int:
        return self.ledger_pence - self.records_pence


@dataclass
class Reconciliation:
    budgets: list[BudgetRow]
    runs: list[tuple[PayoutRun, list[RunLine]]]
    checks: list[Check]

    @property
    def agrees(self) -> bool:
        return all(check.difference_pence == 0 for check in self.checks) and all(
            line.agrees for _, lines in self.runs for line in lines)

    def total(self, name: str) -> int:
        return sum(getattr(row.balances, name) for row in self.budgets)


def reconciliation_for(payer: Payer) -> Reconciliation:
    """Figures for the accounts an organisation holds and the runs it made, each computed twice:
    from the ledger, and from the orders and runs. Any difference is shown, never hidden."""
    if payer.organisation_id is None:
        raise NotFound("Reconciliation is for managed-account organisations.")
    budgets = list(db.session.scalars(
        sa.select(Budget).where(Budget.managed_by_id == payer.organisation_id).order_by(Budget.id)
    ))
    order_totals = _order_totals_by_budget_and_state([budget.id for budget in budgets])
    budget_rows = [
        BudgetRow(
            budget=budget, balances=ledger.budget_balances(budget.id),
            held_by_orders_pence=sum(order_totals.get((budget.id, s), 0) for s in HOLDING_STATES),
            settled_by_orders_pence=sum(order_totals.get((budget.id, s), 0) for s in ("confirmed", "paid_out")),
        )
        for budget in budgets
    ]
    runs = runs_for(payer)
    ledger_lines = _ledger_payout_lines([run.id for run in runs])
    run_rows = []
    run_paid = run_in_payout = 0
    for run in runs:
        lines = []
        for item in run.items:
            provider = db.session.get(Provider, item.provider_id)
            being_paid = run.status == "sent" or (run.status == "draft" and bool(item.stripe_transfer_id))
            figures = ledger_lines.get((run.id, item.provider_id), {})
            line = RunLine(
                provider_name=provider.name, amount_pence=item.amount_pence,
                run_paid_pence=item.amount_pence if run.status == "paid" else 0,
                run_in_payout_pence=item.amount_pence if being_paid else 0,
                ledger_paid_pence=-figures.get("payout_paid", 0),
                ledger_in_payout_pence=sum(figures.values()),
            )
            run_paid += line.run_paid_pence
            run_in_payout += line.run_in_payout_pence
            lines.append(line)
        run_rows.append((run, lines))

    ledger_spent = sum(row.balances.spent_pence for row in budget_rows)
    ledger_paid = _ledger_paid_out([run.id for run in runs])
    ledger_in_payout = sum(
        sum(figures.values()) for figures in ledger_lines.values()
    )
    checks = [
        Check("Spent from the budgets", ledger_spent, "Confirmed and paid-out orders",
              sum(row.settled_by_orders_pence for row in budget_rows)),
        Check("Reserved for orders in progress", sum(row.balances.committed_pence for row in budget_rows),
              "Orders not yet confirmed", sum(row.held_by_orders_pence for row in budget_rows)),
        Check("Paid to providers", ledger_paid, "Payment runs marked paid", run_paid),
        Check("Being paid now", ledger_in_payout, "Payment runs sent, not yet marked paid", run_in_payout),
        Check("Owed to providers, not yet being paid", ledger_spent - ledger_paid - ledger_in_payout,
              "Confirmed orders not in a sent run", _owed_by_orders(payer)),
    ]
    return Reconciliation(budgets=budget_rows, runs=run_rows, checks=checks)


def _order_totals_by_budget_and_state(budget_ids: list[int]) -> dict[tuple[int, str], int]:
    if not budget_ids:
        return {}
    rows = db.session.execute(
        sa.select(Order.budget_id, Order.state, sa.func.sum(Order.total_pence))
        .where(Order.budget_id.in_(budget_ids)).group_by(Order.budget_id, Order.state)
    )
    return {(budget_id, state): int(total) for budget_id, state, total in rows}


def _ledger_payout_lines(run_ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """(run, provider) -> {transaction kind: net pence on the provider's in-payout account}."""
    if not run_ids:
        return {}
    rows = db.session.execute(
        sa.select(LedgerTransaction.payout_run_id, LedgerAccount.provider_id, LedgerTransaction.kind,
                  sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerLine, LedgerLine.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .where(LedgerTransaction.payout_run_id.in_(run_ids),
               LedgerAccount.kind == "provider_in_payout")
        .group_by(LedgerTransaction.payout_run_id, LedgerAccount.provider_id, LedgerTransaction.kind)
    )
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for run_id, provider_id, kind, total in rows:
        figures[(run_id, provider_id)][kind] = int(total)
    return figures


def _ledger_paid_out(run_ids: list[int]) -> int:
    """What the runs put into the payouts-paid account, read from that account's own lines."""
    if not run_ids:
        return 0
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .where(LedgerTransaction.payout_run_id.in_(run_ids), LedgerAccount.kind == "payouts_paid")
    ))


def _owed_by_orders(payer: Payer) -> int:
    """Confirmed orders of this payer that are in no run, or only in a run not yet sent."""
    being_paid = (
        sa.select(PayoutOrder.id)
        .join(PayoutItem, PayoutItem.id == PayoutOrder.item_id)
        .join(PayoutRun, PayoutRun.id == PayoutItem.run_id)
        .where(PayoutOrder.order_id == Order.id,
               sa.or_(PayoutRun.status.in_(("sent", "paid")), PayoutItem.stripe_transfer_id != ""))
        .exists()
    )
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.total_pence), 0))
        .join(Budget, Budget.id == Order.budget_id)
        .where(Order.state == "confirmed", Order.route == payer.route,
               Budget.managed_by_id == payer.organisation_id, ~being_paid)
    ))
