"""The daily `pay-instalments` job pays in each instalment that has fallen due, once."""
from __future__ import annotations

from datetime import timedelta

from marketplace.budgets import services as budget_services
from marketplace.commissioning.commands import pay_instalments_command
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.times import london_today


def test_due_instalments_are_paid_in_once(runner, commissioner, holder, stream):
    start = london_today() - timedelta(weeks=8)
    allocation = budget_services.allocate_budget(
        holder=holder, stream=stream, total_pence=120_000, period_start=start,
        period_end=start + timedelta(weeks=12), instalment_every_weeks=4, route="direct",
        allocated_by=commissioner, today=start,
    )
    db.session.commit()
    budget = allocation.budgets[0]
    assert ledger.budget_balances(budget.id).allocated_pence == 40_000

    first = runner.invoke(pay_instalments_command)
    assert first.exit_code == 0, first.output
    assert "Paid in 2 instalments." in first.output
    db.session.expire_all()
    assert ledger.budget_balances(budget.id).allocated_pence == 120_000

    again = runner.invoke(pay_instalments_command)
    assert again.exit_code == 0 and "Paid in 0 instalments." in again.output
    db.session.expire_all()
    assert ledger.budget_balances(budget.id).allocated_pence == 120_000
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []
