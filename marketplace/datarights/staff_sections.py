"""The parts of a staff member's copy: the organisation they work for (managed-account staff),
what they did to orders (approving, refusing, settling disputes) and the moderation decisions
they made. Orders are named by number only: the people they were for are not this person's
data."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import ORGANISATION_KINDS, OrganisationMember
from marketplace.datarights.parts import Row, label, section, when
from marketplace.extensions import db
from marketplace.orders.models import OrderEvent
from marketplace.orders.queries import state_label
from marketplace.reviews.models import ReviewAction

MODERATION_WORDS = {"publish": "Published a review", "reject": "Rejected a review",
                    "edit": "Edited details out of a review", "keep": "Kept a reported review",
                    "remove": "Removed a reported review", "publish_reply": "Published a reply",
                    "reject_reply": "Rejected a reply"}


@section("your_organisation", "The organisation you work for", "The managed-account "
         "organisation your account is staff of.",
         [("organisation", "Organisation"), ("kind", "Kind")], roles=("account_manager",))
def your_organisation(user: User) -> list[Row]:
    member = db.session.scalar(sa.select(OrganisationMember)
                               .where(OrganisationMember.user_id == user.id))
    if member is None:
        return []
    return [{"organisation": member.organisation.name,
             "kind": label(ORGANISATION_KINDS, member.organisation.kind)}]


@section("your_order_decisions", "What you did to orders", "Each time you moved an order on "
         "(approved, refused, settled a dispute), with any note you wrote.",
         [("order_id", "Order number"), ("when", "When (London time)"),
          ("moved_to", "Moved to"), ("note", "Your note")],
         roles=("account_manager", "commissioner"))
def your_order_decisions(user: User) -> list[Row]:
    return [{"order_id": event.order_id, "when": when(event.created_at),
             "moved_to": state_label(event.to_state), "note": event.note or None}
            for event in db.session.scalars(
                sa.select(OrderEvent).where(OrderEvent.actor_id == user.id)
                .order_by(OrderEvent.created_at, OrderEvent.id))]


@section("your_moderation_decisions", "Your moderation decisions", "Each decision you made "
         "about a review or reply held for a moderator or reported, and the reason you gave.",
         [("review_id", "Review number"), ("when", "When (London time)"),
          ("decision", "Decision"), ("reason", "Reason")], roles=("moderator", "commissioner"))
def your_moderation_decisions(user: User) -> list[Row]:
    return [{"review_id": action.review_id, "when": when(action.created_at),
             "decision": MODERATION_WORDS.get(action.action, action.action),
             "reason": action.reason or None}
            for action in db.session.scalars(
                sa.select(ReviewAction).where(ReviewAction.actor_id == user.id)
                .order_by(ReviewAction.created_at, ReviewAction.id))]
