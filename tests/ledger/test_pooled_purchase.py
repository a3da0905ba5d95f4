"""Worked examples of the ledger shape a pooled purchase needs (DESIGN.md flow 6): money is
reserved from several holders' budgets and then either settled into ONE payment to one provider
in ONE transaction, or released back to every budget. Nothing here uses a pool model (there is
none yet): it shows the ledger already carries the shape, with the invariants intact.
"""
import pytest

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.services import InsufficientFunds, Leg, UnbalancedTransaction
from tests.factories import make_funded_budget, make_provider

SHARES = (1_200, 1_200, 1_600)  # three members' shares of a 4,000p group course


@pytest.fixture
def pool(app):
    budgets = [
        make_funded_budget(amount_pence=10_000),
        make_funded_budget(amount_pence=5_000, route="direct"),
        make_funded_budget(amount_pence=1_600),
    ]
    provider = make_provider()
    return budgets, provider


def pledge_legs(budgets, sign=1):
    legs = []
    for budget, share in zip(budgets, SHARES):
        legs.append(Leg(ledger.budget_available_account(budget.id), -sign * share))
        legs.append(Leg(ledger.budget_reserved_account(budget.id), sign * share))
    return legs


def assert_invariants(budgets):
    assert ledger.unbalanced_transactions() == []
    assert ledger.drifted_accounts() == []
    for budget in budgets:
        balances = ledger.budget_balances(budget.id)
        assert balances.allocated_pence == (
            balances.spent_pence + balances.committed_pence + balances.available_pence
        )
        assert min(balances.committed_pence, balances.available_pence) >= 0


def test_a_funded_pool_settles_every_pledge_into_one_payment_to_the_provider(pool):
    budgets, provider = pool
    ledger.post_transaction("reserve", "Pledges to the pottery course pool", pledge_legs(budgets))
    db.session.commit()
    assert [ledger.budget_balances(b.id).committed_pence for b in budgets] == list(SHARES)
    assert_invariants(budgets)

    payable = ledger.provider_payable_account(provider.id)
    legs = [Leg(ledger.budget_reserved_account(b.id), -share) for b, share in zip(budgets, SHARES)]
    settled = ledger.post_transaction(
        "settle", "Pottery course pool funded", legs + [Leg(payable, sum(SHARES))]
    )
    db.session.commit()

    assert len(settled.lines) == 4
    assert ledger.account_balance(payable) == 4_000
    assert [ledger.budget_balances(b.id) for b in budgets] == [
        ledger.BudgetBalances(10_000, 1_200, 0, 8_800),
        ledger.BudgetBalances(5_000, 1_200, 0, 3_800),
        ledger.BudgetBalances(1_600, 1_600, 0, 0),
    ]
    assert_invariants(budgets)


def test_an_unfunded_pool_releases_every_pledge(pool):
    budgets, provider = pool
    ledger.post_transaction("reserve", "Pledges", pledge_legs(budgets))
    released = ledger.post_transaction("release", "Pool not funded by the deadline",
                                       pledge_legs(budgets, sign=-1))
    db.session.commit()
    assert len(released.lines) == 6
    assert [ledger.budget_balances(b.id) for b in budgets] == [
        ledger.BudgetBalances(10_000, 0, 0, 10_000),
        ledger.BudgetBalances(5_000, 0, 0, 5_000),
        ledger.BudgetBalances(1_600, 0, 0, 1_600),
    ]
    assert ledger.account_balance(ledger.provider_payable_account(provider.id)) == 0
    assert_invariants(budgets)


def test_a_pool_is_all_or_nothing_when_one_member_cannot_cover_their_share(pool):
    budgets, _ = pool
    ledger.move("reserve", "Another order", 500, ledger.budget_available_account(budgets[2].id),
                ledger.budget_reserved_account(budgets[2].id))
    db.session.commit()
    transactions_before = db.session.scalar(db.select(db.func.count(LedgerTransaction.id)))
    with pytest.raises(InsufficientFunds):
        ledger.post_transaction("reserve", "Pledges", pledge_legs(budgets))
    db.session.rollback()
    # Nobody's money moved: not the two members who could pay, nor the one who could not.
    assert [ledger.budget_balances(b.id).committed_pence for b in budgets] == [0, 0, 500]
    assert db.session.scalar(db.select(db.func.count(LedgerTransaction.id))) == transactions_before
    assert_invariants(budgets)


def test_a_settlement_that_pays_the_provider_more_than_was_pledged_is_never_written(pool):
    budgets, provider = pool
    ledger.post_transaction("reserve", "Pledges", pledge_legs(budgets))
    legs = [Leg(ledger.budget_reserved_account(b.id), -share) for b, share in zip(budgets, SHARES)]
    with pytest.raises(UnbalancedTransaction):
        ledger.post_transaction(
            "settle", "Too much", legs + [Leg(ledger.provider_payable_account(provider.id), 4_001)]
        )
    db.session.commit()
    assert ledger.account_balance(ledger.provider_payable_account(provider.id)) == 0
    assert_invariants(budgets)
