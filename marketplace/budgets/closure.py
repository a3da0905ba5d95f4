"""What closing an account removes from a budget holder's support plan (accounts/closure.py).

The plan is special-category data with no audit use: "what matters to me" and the review date
go, and each outcome's words are replaced. The outcome rows stay, because past orders and
reviews point at them ("what it was for"), so the statement still lists every purchase.
Budgets, allocations and instalments are the council's records and are kept unchanged.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import Outcome, SupportPlan
from marketplace.extensions import db

REMOVED = "Removed when the account was closed"


def plan_words(holder: User) -> list[str]:
    """Everything the holder wrote in their plan, to find it quoted elsewhere."""
    plan = db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == holder.id))
    if plan is None:
        return []
    return [plan.about_me, *(outcome.text for outcome in plan.outcomes)]


def forget_plan(holder: User) -> None:
    plan = db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == holder.id))
    if plan is None:
        return
    plan.about_me, plan.review_on = "", None
    db.session.execute(sa.update(Outcome).where(Outcome.plan_id == plan.id)
                       .values(text=REMOVED, retired=True),
                       execution_options={"synchronize_session": False})
    db.session.flush()
