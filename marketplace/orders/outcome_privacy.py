"""Who may see which support-plan outcome an order is for.

Support plans are special-category data (DESIGN.md): an order's outcome is seen by the holder
and the supporters they chose to read their plan, and by the order's provider only when the
holder chose, for that order, to tell them ("Tell the provider what this is for"). Account
managers and commissioners never see it. The order page, the invoice, the order emails and the
API all ask may_see_outcome, so they cannot disagree.
"""
from __future__ import annotations

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.orders.models import Order


def may_read_plan(user: User, holder_id: int) -> bool:
    """The plan page's rule (budgets.routes._plan_holder): 'view' covers the plan, and a
    'plan' grant may read what it may change."""
    return (consent.may_act_for(user, holder_id, "view")
            or consent.may_act_for(user, holder_id, "plan"))


def may_see_outcome(viewer: User | None, order: Order) -> bool:
    if viewer is None:
        return False
    if viewer.role in ("holder", "supporter"):
        return may_read_plan(viewer, order.holder_id)
    if viewer.role == "provider":
        return (order.outcome_shared and viewer.provider is not None
                and viewer.provider.id == order.provider_id)
    return False


def outcome_for(viewer: User | None, order: Order):
    """The order's outcome if this viewer may see it, else None."""
    if order.outcome is None or not may_see_outcome(viewer, order):
        return None
    return order.outcome
