"""Support plans: "what matters to me", outcomes in the holder's own words, and a review date.

Invariants:
- A holder has at most one plan; it is created the first time it is changed.
- Outcomes are never deleted, only retired: orders stay linked to the outcomes they served.
- Every change records who made it (updated_by); when a supporter made it, the holder is told
  "done by X on behalf of Y" in a notification.
- Callers check consent ('plan' scope to change) and commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.budgets.models import Outcome, SupportPlan
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.times import format_date, utcnow
from marketplace.notifications.services import notify
from marketplace.orders.models import Order

PLAN_TEST = "Will this help me recover, stay healthy and have a fulfilled life?"
ABOUT_ME_LIMIT = 5000
OUTCOME_LIMIT = 300


def get_plan(holder: User) -> SupportPlan | None:
    return db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == holder.id))


def _plan_to_change(holder: User) -> SupportPlan:
    plan = get_plan(holder)
    if plan is None:
        plan = SupportPlan(holder_id=holder.id, about_me="")
        db.session.add(plan)
        db.session.flush()
    return plan


def _changed(plan: SupportPlan, holder: User, actor: User, what: str) -> None:
    plan.updated_by_id = actor.id
    plan.updated_at = utcnow()
    db.session.flush()
    if actor.id != holder.id:
        notify(
            holder,
            f"{what} {done_by_text(actor, holder)}.",
            link="/plan",
            email_subject="Your support plan was changed",
        )


def save_plan(holder: User, *, about_me: str, review_on: date | None, actor: User) -> SupportPlan:
    """Change "what matters to me" and the review date."""
    about_me = (about_me or "").strip()
    if len(about_me) > ABOUT_ME_LIMIT:
        raise DomainError(f"Use {ABOUT_ME_LIMIT} characters or fewer", field="about_me")
    plan = _plan_to_change(holder)
    plan.about_me = about_me
    plan.review_on = review_on
    _changed(plan, holder, actor, "Your support plan was changed")
    return plan


def _clean_outcome(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise DomainError("Write the outcome in your own words", field="text")
    if len(text) > OUTCOME_LIMIT:
        raise DomainError(f"Use {OUTCOME_LIMIT} characters or fewer", field="text")
    return text


def _theme(theme: str) -> str:
    if theme and theme not in vocabulary.values(vocabulary.OUTCOME_THEMES):
        raise DomainError("Choose a part of life from the list", field="theme")
    return theme or ""


def add_outcome(holder: User, text: str, *, actor: User, theme: str = "") -> Outcome:
    plan = _plan_to_change(holder)
    outcome = Outcome(text=_clean_outcome(text), retired=False, theme=_theme(theme))
    plan.outcomes.append(outcome)
    _changed(plan, holder, actor, f'An outcome "{outcome.text}" was added to your plan')
    return outcome


def outcome_for(holder: User, outcome_id: int) -> Outcome:
    """The holder's outcome, or NotFound (another person's outcome is not found, not refused)."""
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None or outcome.plan.holder_id != holder.id:
        raise NotFound("We could not find that outcome.")
    return outcome


def edit_outcome(holder: User, outcome_id: int, text: str, *, actor: User,
                 theme: str | None = None) -> Outcome:
    """Change the words (and the theme, unless theme is None)."""
    outcome = outcome_for(holder, outcome_id)
    outcome.text = _clean_outcome(text)
    if theme is not None:
        outcome.theme = _theme(theme)
    _changed(
        outcome.plan, holder, actor, f'An outcome in your plan was changed to "{outcome.text}"'
    )
    return outcome


def set_outcome_retired(holder: User, outcome_id: int, retired: bool, *, actor: User) -> Outcome:
    """Retire an outcome (it stays on past orders) or bring it back."""
    outcome = outcome_for(holder, outcome_id)
    if outcome.retired != retired:
        outcome.retired = retired
        verb = "retired" if retired else "brought back"
        _changed(outcome.plan, holder, actor, f'The outcome "{outcome.text}" was {verb}')
    return outcome


def current_outcomes(holder: User) -> list[Outcome]:
    """Outcomes a new order can be linked to (not retired), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Outcome)
            .join(SupportPlan, SupportPlan.id == Outcome.plan_id)
            .where(SupportPlan.holder_id == holder.id, Outcome.retired.is_(False))
            .order_by(Outcome.id)
        )
    )


def orders_by_outcome(plan: SupportPlan | None) -> dict[int, list[Order]]:
    """Orders linked to each of the plan's outcomes, newest first."""
    if plan is None or not plan.outcomes:
        return {}
    linked: dict[int, list[Order]] = {}
    for order in db.session.scalars(
        sa.select(Order)
        .where(Order.outcome_id.in_([outcome.id for outcome in plan.outcomes]))
        .order_by(Order.created_at.desc(), Order.id.desc())
    ):
        linked.setdefault(order.outcome_id, []).append(order)
    return linked


def last_changed_text(plan: SupportPlan | None) -> str:
    """ "Last changed on 3 May 2026 by Jo Broker on behalf of Sam Patel", or "" if never."""
    if plan is None or plan.updated_by_id is None:
        return ""
    actor = db.session.get(User, plan.updated_by_id)
    holder = db.session.get(User, plan.holder_id)
    when = plan.updated_at
    return f"Last changed on {format_date(when)} {done_by_text(actor, holder)}"
