"""Checking the ledger against itself: what `flask check-ledger` and the daily job report.

Every figure is recomputed from the ledger lines, which are append-only and guarded by the
database (migration 0003), and compared with what the application shows and relies on:

- each account's cached balance (LedgerAccount.balance_pence) equals the sum of its lines;
- each transaction has two or more lines and they sum to zero;
- for each budget, allocated = spent + committed + available, every figure taken from the
  lines (allocated and spent by the kind of transaction, a reversal counting as the kind it
  reverses; committed and available as the sums of its reserved and available accounts);
- each budget's allocated figure from its instalments' transactions (how budget_balances
  computes it quickly) equals the one from its lines.

Read only: it changes nothing, so running it any number of times is harmless. Three grouped
queries over the lines and one over the budgets, whatever the number of budgets.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.budgets.models import Budget, Instalment
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.money import format_pence


class LedgerDisagrees(DomainError):
    """Raised by the daily job so the worker records the run as failed, with the summary as
    its error: the operator page shows it among the failures."""

    status = 500
    code = "ledger_disagrees"


@dataclass
class LedgerCheck:
    budgets: int = 0
    transactions: int = 0
    #: One plain sentence per thing that is wrong.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if self.ok:
            return (f"All {self.budgets} budget{'' if self.budgets == 1 else 's'} and "
                    f"{self.transactions} transaction{'' if self.transactions == 1 else 's'} "
                    "agree.")
        count = len(self.problems)
        return (f"{count} problem{'' if count == 1 else 's'} in the ledger: "
                + " ".join(self.problems))


def _budget_name(budget: Budget) -> str:
    return f"Budget {budget.id} ({budget.holder.display_name}, {budget.stream.name})"


def check_ledger() -> LedgerCheck:
    check = LedgerCheck(
        budgets=db.session.scalar(sa.select(sa.func.count(Budget.id))),
        transactions=db.session.scalar(sa.select(sa.func.count(LedgerTransaction.id))),
    )
    budgets = {budget.id: budget for budget in db.session.scalars(
        sa.select(Budget).options(so.joinedload(Budget.holder), so.joinedload(Budget.stream)))}
    _check_cached_balances(check, budgets)
    _check_transactions_balance(check)
    _check_budget_identity(check, budgets)
    return check


def _check_cached_balances(check: LedgerCheck, budgets: dict[int, Budget]) -> None:
    sums = (
        sa.select(LedgerLine.account_id, sa.func.sum(LedgerLine.amount_pence).label("total"))
        .group_by(LedgerLine.account_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(LedgerAccount, sa.func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.account_id == LedgerAccount.id)
        .where(LedgerAccount.balance_pence != sa.func.coalesce(sums.c.total, 0))
        .order_by(LedgerAccount.code)
    ).all()
    for account, total in rows:
        what = {"budget_available": "available", "budget_reserved": "committed"}.get(account.kind)
        if what and account.budget_id in budgets:
            owner = f"{_budget_name(budgets[account.budget_id])}: its {what} balance"
        else:
            owner = f"Account {account.code}: its balance"
        check.problems.append(
            f"{owner} says {format_pence(account.balance_pence)} but its lines add up to "
            f"{format_pence(int(total))}."
        )


def _check_transactions_balance(check: LedgerCheck) -> None:
    totals = (
        sa.select(
            LedgerLine.transaction_id,
            sa.func.count(LedgerLine.id).label("lines"),
            sa.func.sum(LedgerLine.amount_pence).label("total"),
        )
        .group_by(LedgerLine.transaction_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(LedgerTransaction.id, LedgerTransaction.kind,
                  sa.func.coalesce(totals.c.lines, 0), sa.func.coalesce(totals.c.total, 0))
        .outerjoin(totals, totals.c.transaction_id == LedgerTransaction.id)
        .where(sa.or_(totals.c.total.is_(None), totals.c.total != 0, totals.c.lines < 2))
        .order_by(LedgerTransaction.id)
    ).all()
    for transaction_id, kind, lines, total in rows:
        if int(total) != 0:
            check.problems.append(
                f"Transaction {transaction_id} ({kind}): its lines add up to "
                f"{format_pence(int(total))}, not zero."
            )
        else:
            check.problems.append(
                f"Transaction {transaction_id} ({kind}) has {lines} line"
                f"{'' if lines == 1 else 's'}; every transaction needs two or more."
            )


def _check_budget_identity(check: LedgerCheck, budgets: dict[int, Budget]) -> None:
    original = so.aliased(LedgerTransaction)
    kind = sa.func.coalesce(original.kind, LedgerTransaction.kind)
    rows = db.session.execute(
        sa.select(LedgerLine.budget_id, LedgerAccount.kind, kind,
                  sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .outerjoin(original, original.id == LedgerTransaction.reverses_id)
        .where(LedgerLine.budget_id.is_not(None))
        .group_by(LedgerLine.budget_id, LedgerAccount.kind, kind)
    ).all()
    figures: dict[int, dict[str, int]] = defaultdict(
        lambda: {"allocated": 0, "spent": 0, "committed": 0, "available": 0})
    for budget_id, account_kind, transaction_kind, total in rows:
        total = int(total or 0)
        budget = figures[budget_id]
        if account_kind == "budget_available":
            budget["available"] += total
            if transaction_kind == "allocation":
                budget["allocated"] += total
            elif transaction_kind == "refund":
                budget["spent"] -= total
        elif account_kind == "budget_reserved":
            budget["committed"] += total
            if transaction_kind == "settle":
                budget["spent"] -= total

    instalment_allocated = _allocated_by_instalments()
    for budget_id in sorted(set(figures) | set(instalment_allocated)):
        name = (_budget_name(budgets[budget_id]) if budget_id in budgets
                else f"Budget {budget_id} (no such budget)")
        got = figures[budget_id]
        accounted = got["spent"] + got["committed"] + got["available"]
        if got["allocated"] != accounted:
            check.problems.append(
                f"{name}: allocated {format_pence(got['allocated'])} is not spent "
                f"{format_pence(got['spent'])} + committed {format_pence(got['committed'])} + "
                f"available {format_pence(got['available'])} (= {format_pence(accounted)})."
            )
        from_instalments = instalment_allocated.get(budget_id, 0)
        if from_instalments != got["allocated"]:
            check.problems.append(
                f"{name}: its instalments paid in {format_pence(from_instalments)} but its "
                f"allocation lines add up to {format_pence(got['allocated'])}."
            )


def _allocated_by_instalments() -> dict[int, int]:
    """Per budget: the lines on its available account of its instalments' transactions and of
    any reversals of them (what budget_balances reads)."""
    reversal = so.aliased(LedgerTransaction)
    paid_in = sa.select(Instalment.budget_id, Instalment.transaction_id.label("transaction_id")
                        ).where(Instalment.transaction_id.is_not(None))
    reversed_ = (
        sa.select(Instalment.budget_id, reversal.id.label("transaction_id"))
        .join(reversal, reversal.reverses_id == Instalment.transaction_id)
    )
    transactions = sa.union_all(paid_in, reversed_).subquery()
    rows = db.session.execute(
        sa.select(transactions.c.budget_id, sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerLine, LedgerLine.transaction_id == transactions.c.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .where(LedgerAccount.kind == "budget_available",
               LedgerLine.budget_id == transactions.c.budget_id)
        .group_by(transactions.c.budget_id)
    ).all()
    return {budget_id: int(total or 0) for budget_id, total in rows}
