"""Managed-account orders from placing to settling, with the money that moves at each step."""
import pytest

from marketplace.budgets import services as budgets
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.services import InsufficientFunds
from marketplace.notifications.models import EmailMessage
from marketplace.orders import services as orders
from marketplace.orders.placing import place_order_once
from marketplace.orders.services import IdempotencyConflict, OrderRequest, SpendingRuleRefusal
from marketplace.orders.states import IllegalTransition
from tests.factories import make_account_manager, make_funded_budget, make_service, make_user


@pytest.fixture
def market(app):
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=50_000)
    manager = make_account_manager(budget.managed_by)
    service = make_service(price_pence=2_500, price_unit="session", title="Photography group")
    return holder, budget, manager, service


def balances(budget):
    return ledger.budget_balances(budget.id)


def test_a_managed_order_reserves_then_settles_to_the_provider(market):
    holder, budget, manager, service = market
    provider_owner = service.provider.owner
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=4))
    db.session.commit()
    assert order.state == "awaiting_approval"
    assert balances(budget).committed_pence == 10_000
    assert balances(budget).available_pence == 40_000
    assert db.session.scalar(db.select(EmailMessage).where(EmailMessage.to_address == manager.email))

    for actor, action in [(manager, "approve"), (provider_owner, "accept"),
                          (provider_owner, "deliver"), (holder, "confirm")]:
        orders.act_on_order(actor, order.id, action)
        db.session.commit()
    assert order.state == "confirmed"
    assert balances(budget) == ledger.BudgetBalances(50_000, 10_000, 0, 40_000)
    payable = ledger.provider_payable_account(service.provider_id)
    assert ledger.account_balance(payable) == 10_000
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []


def test_orders_under_the_organisations_limit_are_approved_automatically(app):
    holder = make_user("holder")
    budget = make_funded_budget(holder, amount_pence=50_000, auto_approve_limit_pence=3_000)
    service = make_service(price_pence=3_000)
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=1))
    db.session.commit()
    assert order.state == "awaiting_provider"
    assert "Approved automatically" in order.events[-1].note


def test_cancelling_before_delivery_releases_the_reservation(market):
    holder, budget, manager, service = market
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=2))
    orders.act_on_order(manager, order.id, "approve")
    orders.act_on_order(holder, order.id, "cancel")
    db.session.commit()
    assert order.state == "cancelled"
    assert balances(budget) == ledger.BudgetBalances(50_000, 0, 0, 50_000)
    with pytest.raises(IllegalTransition):
        orders.act_on_order(holder, order.id, "cancel")


def test_a_dispute_holds_the_money_until_the_organisation_decides(market):
    holder, budget, manager, service = market
    owner = service.provider.owner
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=2))
    for actor, action in [(manager, "approve"), (owner, "accept"), (owner, "deliver"),
                          (holder, "dispute")]:
        orders.act_on_order(actor, order.id, action)
    db.session.commit()
    assert balances(budget).committed_pence == 5_000
    with pytest.raises(IllegalTransition):
        orders.act_on_order(holder, order.id, "resolve_release")
    orders.act_on_order(manager, order.id, "resolve_release")
    db.session.commit()
    assert balances(budget) == ledger.BudgetBalances(50_000, 0, 0, 50_000)


def test_the_provider_cannot_approve_and_the_holder_cannot_deliver(market):
    holder, budget, manager, service = market
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=1))
    with pytest.raises(IllegalTransition):
        orders.act_on_order(service.provider.owner, order.id, "approve")
    orders.act_on_order(manager, order.id, "approve")
    with pytest.raises(IllegalTransition):
        orders.act_on_order(holder, order.id, "accept")
    other_provider_owner = make_service().provider.owner
    with pytest.raises(NotFound):
        orders.act_on_order(other_provider_owner, order.id, "accept")


def test_an_order_over_the_budget_is_refused_and_changes_nothing(market):
    holder, budget, _, service = market
    with pytest.raises(InsufficientFunds) as refused:
        orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=21))
    db.session.rollback()
    assert "£500.00 is available and this order costs £525.00" in refused.value.message
    assert balances(budget).available_pence == 50_000


def test_spending_rules_are_enforced_on_the_server(market):
    holder, budget, _, service = market
    budgets.set_spending_rule(budget.stream, category="peer-support",
                              reason="peer support is paid for by the health team here.")
    db.session.commit()
    with pytest.raises(SpendingRuleRefusal) as refused:
        orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=1))
    assert refused.value.message.startswith(f"Your {budget.stream.budget_name} can't be used for this because")


def test_nobody_else_can_order_from_a_holders_budget(market):
    holder, budget, manager, service = market
    for stranger in (make_user("holder"), make_user("supporter"), manager, service.provider.owner):
        with pytest.raises(NotFound):
            orders.place_order(stranger, holder.id, OrderRequest(budget.id, service.id, quantity=1))


def test_the_same_idempotency_key_returns_the_same_order(market):
    holder, budget, _, service = market
    wanted = OrderRequest(budget.id, service.id, 1)
    first, first_new = place_order_once(holder, holder.id, wanted, "key-1")
    db.session.commit()
    again, again_new = place_order_once(holder, holder.id, wanted, "key-1")
    db.session.commit()
    assert first.id == again.id and (first_new, again_new) == (True, False)
    assert balances(budget).committed_pence == 2_500


@pytest.mark.parametrize("changes", [{"quantity": 2}, {"note_to_provider": "Mornings"}])
def test_the_same_key_for_another_order_is_refused_and_sets_nothing_aside(market, changes):
    holder, budget, _, service = market
    place_order_once(holder, holder.id, OrderRequest(budget.id, service.id, 1), "key-2")
    db.session.commit()
    with pytest.raises(IdempotencyConflict):
        place_order_once(holder, holder.id, OrderRequest(budget.id, service.id, **{
            "quantity": 1, **changes}), "key-2")
    assert balances(budget).committed_pence == 2_500
