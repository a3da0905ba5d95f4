"""A disputed direct-payment order holds its money until someone settles the dispute: for a direct
payment that is the commissioner (orders/states.py, "resolver"). If nobody may settle it, the
money stays set aside for ever."""
import pytest

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.factories import make_funded_budget, make_service, make_user


@pytest.fixture
def disputed_direct_order(app):
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=20_000, route="direct")
    service = make_service(price_pence=3_000)
    owner = service.provider.owner
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, 2))
    orders.record_card_payment_succeeded(order)  # as the Stripe webhook would
    for actor, action in [(owner, "accept"), (owner, "deliver"), (holder, "dispute")]:
        orders.act_on_order(actor, order.id, action)
    db.session.commit()
    assert ledger.budget_balances(budget.id).committed_pence == 6_000
    return order, budget


@pytest.mark.parametrize("decision, spent, available", [
    ("resolve_pay", 6_000, 14_000),
    ("resolve_release", 0, 20_000),
])
def test_a_commissioner_settles_a_dispute_about_a_direct_payment(
    disputed_direct_order, decision, spent, available
):
    order, budget = disputed_direct_order
    commissioner = make_user("commissioner")
    assert decision in orders.allowed_actions(commissioner, order)
    orders.act_on_order(commissioner, order.id, decision, note="Looked at both sides")
    db.session.commit()
    assert ledger.budget_balances(budget.id) == ledger.BudgetBalances(20_000, spent, 0, available)
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []
