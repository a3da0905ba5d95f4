"""A market for the review tests: the order pages' market (tests/orders/pages.py) with Sam's
order of Bright Days' photography group taken all the way to confirmed."""
from __future__ import annotations

from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.orders.pages import Market


def delivered_order(market: Market, holder=None, budget=None, *, service=None, outcome=None,
                    confirm: bool = True):
    """An order placed, approved, accepted, delivered and (unless told not) confirmed."""
    holder, budget = holder or market.sam, budget or market.budget
    service = service or market.service
    order = orders.place_order(holder, holder.id, OrderRequest(
        budget.id, service.id, quantity=1, outcome_id=outcome.id if outcome else None))
    staff = market.staff if budget.managed_by_id == market.organisation.id else None
    if order.state == "awaiting_approval":
        orders.act_on_order(staff or _staff_of(budget), order.id, "approve")
    owner = service.provider.owner
    orders.act_on_order(owner, order.id, "accept")
    orders.act_on_order(owner, order.id, "deliver")
    if confirm:
        orders.act_on_order(holder, order.id, "confirm")
    db.session.commit()
    return order


def _staff_of(budget):
    from tests.factories import make_account_manager

    return make_account_manager(budget.managed_by)


def outcome_for(holder, words: str):
    outcome = plans.add_outcome(holder, words, actor=holder)
    db.session.commit()
    return outcome


def review_form(**changes) -> dict:
    values = {"stars": "4", "helped": "yes", "shown_as": "name",
              "text": "Friendly group, and I took photos again for the first time in years."}
    values.update(changes)
    return values
