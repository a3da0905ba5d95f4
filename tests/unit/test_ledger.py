"""Worked examples of the ledger: each shows money moving and the balances that result."""
from datetime import date

import pytest

from marketplace.budgets import services as budgets
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.services import InsufficientFunds, Leg, UnbalancedTransaction
from tests.factories import make_user


@pytest.fixture
def budget_setup(app):
    commissioner = make_user("commissioner")
    holder = make_user("holder")
    stream = budgets.create_funding_stream(name="Adult social care", kind="social_care")
    allocation = budgets.allocate_budget(
        holder=holder, stream=stream, total_pence=52_000, period_start=date(2026, 4, 1),
        period_end=date(2027, 4, 1), instalment_every_weeks=4, route="direct",
        allocated_by=commissioner, today=date(2026, 4, 1),
    )
    db.session.commit()
    return allocation.budgets[0], stream


def test_an_allocation_pays_in_the_first_instalment_only(budget_setup):
    budget, stream = budget_setup
    # 52,000p over 14 four-weekly instalments: 3,715p for the first 4, 3,714p for the rest.
    assert [i.amount_pence for i in budget.instalments][:7] == [3715] * 4 + [3714] * 3
    assert sum(i.amount_pence for i in budget.instalments) == 52_000
    balances = ledger.budget_balances(budget.id)
    assert balances.allocated_pence == 3715
    assert balances.available_pence == 3715
    assert ledger.account_balance(ledger.funding_account(stream.id)) == -3715


def test_paying_due_instalments_is_safe_to_repeat(budget_setup):
    budget, _ = budget_setup
    assert budgets.pay_due_instalments(date(2026, 5, 27)) == 2
    assert budgets.pay_due_instalments(date(2026, 5, 27)) == 0
    db.session.commit()
    assert ledger.budget_balances(budget.id).available_pence == 3 * 3715


def test_reserve_settle_and_refund_keep_the_budget_identity(budget_setup):
    budget, _ = budget_setup
    provider_payable = ledger.provider_payable_account(provider_id=_provider_id())
    available = ledger.budget_available_account(budget.id)
    reserved = ledger.budget_reserved_account(budget.id)
    ledger.move("reserve", "Order 1", 2000, available, reserved)
    ledger.move("settle", "Order 1 delivered", 1500, reserved, provider_payable)
    ledger.move("release", "Order 1 rest", 500, reserved, available)
    ledger.move("refund", "Order 1 refund", 300, provider_payable, available)
    db.session.commit()
    balances = ledger.budget_balances(budget.id)
    assert balances == ledger.BudgetBalances(
        allocated_pence=3715, spent_pence=1200, committed_pence=0, available_pence=2515
    )
    assert balances.allocated_pence == (
        balances.spent_pence + balances.committed_pence + balances.available_pence
    )
    assert ledger.account_balance(provider_payable) == 1200
    assert ledger.unbalanced_transactions() == []
    assert ledger.drifted_accounts() == []


def test_a_budget_cannot_go_below_zero_and_a_refused_posting_leaves_nothing(budget_setup):
    budget, _ = budget_setup
    available = ledger.budget_available_account(budget.id)
    reserved = ledger.budget_reserved_account(budget.id)
    with pytest.raises(InsufficientFunds) as refused:
        ledger.move("reserve", "Too much", 3716, available, reserved)
    assert "not enough left in this budget" in refused.value.message
    db.session.commit()
    assert ledger.budget_balances(budget.id).available_pence == 3715
    assert ledger.account_balance(reserved) == 0
    assert ledger.drifted_accounts() == []


def test_unbalanced_or_fractional_transactions_are_never_written(budget_setup):
    budget, _ = budget_setup
    available = ledger.budget_available_account(budget.id)
    reserved = ledger.budget_reserved_account(budget.id)
    with pytest.raises(UnbalancedTransaction):
        ledger.post_transaction("reserve", "x", [Leg(available, -100), Leg(reserved, 99)])
    with pytest.raises(UnbalancedTransaction):
        ledger.post_transaction("reserve", "x", [Leg(available, -1.5), Leg(reserved, 1.5)])
    db.session.commit()
    assert ledger.drifted_accounts() == []


def test_a_reversal_undoes_a_transaction_once(budget_setup):
    budget, _ = budget_setup
    available = ledger.budget_available_account(budget.id)
    reserved = ledger.budget_reserved_account(budget.id)
    original = ledger.move("reserve", "Order 2", 1000, available, reserved)
    first = ledger.reverse_transaction(original, "Correction")
    again = ledger.reverse_transaction(original, "Correction")
    db.session.commit()
    assert first.id == again.id
    assert ledger.budget_balances(budget.id).available_pence == 3715


def test_an_idempotency_key_posts_once(budget_setup):
    budget, _ = budget_setup
    available = ledger.budget_available_account(budget.id)
    reserved = ledger.budget_reserved_account(budget.id)
    one = ledger.move("reserve", "Order 3", 100, available, reserved, idempotency_key="order-3")
    two = ledger.move("reserve", "Order 3", 100, available, reserved, idempotency_key="order-3")
    db.session.commit()
    assert one.id == two.id
    assert ledger.account_balance(reserved) == 100


def _provider_id() -> int:
    from tests.factories import make_provider

    return make_provider().id
