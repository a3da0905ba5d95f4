"""What other people did for a budget holder, read from where each thing is recorded: order
events (a supporter placing, paying or cancelling; staff of the organisation holding the
managed account approving, refusing or settling), the plan's last change, reviews, pool
pledges, needs and enquiries written by a supporter.

Read from the holder's side (holder_id: what others did for them) or the actor's (actor_id:
what a supporter did for the people they support). Providers acting on their own orders
(accepting, delivering) act in their own right, not on the holder's behalf, so are left out;
so is the holder acting for themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import ManagedAccountOrganisation, OrganisationMember, SupportPlan
from marketplace.enquiries.models import Enquiry, EnquiryMessage
from marketplace.datarights.parts import all_of
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.needs.models import Need
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.queries import history
from marketplace.pools.models import PoolMember
from marketplace.providers.models import Provider
from marketplace.reviews.models import Review


@dataclass(frozen=True)
class Action:
    at: datetime
    actor: User
    holder: User
    #: "Your supporter", "Staff at Salford Independent Living", "A commissioner".
    as_what: str
    what: str
    reference: str


def _scoped(holder_column, actor_column, holder_id: int | None, actor_id: int | None):
    conditions = [actor_column.is_not(None), actor_column != holder_column]
    if holder_id is not None:
        conditions.append(holder_column == holder_id)
    if actor_id is not None:
        conditions.append(actor_column == actor_id)
    return sa.and_(*conditions)


def _order_actions(holder_id, actor_id, viewer: User | None) -> list[tuple]:
    where = _scoped(Order.holder_id, OrderEvent.actor_id, holder_id, actor_id)
    owners = sa.select(Provider.owner_id).where(Provider.id == Order.provider_id).scalar_subquery()
    order_ids = db.session.scalars(
        sa.select(Order.id).join(OrderEvent, OrderEvent.order_id == Order.id)
        .where(where, OrderEvent.actor_id != owners).distinct()).all()
    found = []
    for order in all_of(sa.select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)):
        events = sorted(order.events, key=lambda event: event.id)
        # The history says each step as the person reading it sees it ("Paid by card by you").
        for event, line in zip(events, history(order, viewer or order.holder)):
            if (event.actor_id is None or event.actor_id == order.holder_id
                    or event.actor_id == order.provider.owner_id
                    or (actor_id is not None and event.actor_id != actor_id)):
                continue
            found.append((event.created_at, event.actor_id, order.holder_id, line.text,
                          f"Order {order.id}"))
    return found


def _plan_changes(holder_id, actor_id) -> list[tuple]:
    return [(plan.updated_at, plan.updated_by_id, plan.holder_id,
             "Changed the support plan (the latest change is kept, not earlier ones)",
             "Support plan")
            for plan in all_of(sa.select(SupportPlan).where(_scoped(
                SupportPlan.holder_id, SupportPlan.updated_by_id, holder_id, actor_id)))]


def _reviews(holder_id, actor_id) -> list[tuple]:
    return [(review.created_at, review.written_by_id, review.holder_id,
             f"Wrote the review of {review.service.title}", f"Review {review.id}")
            for review in all_of(sa.select(Review).where(_scoped(
                Review.holder_id, Review.written_by_id, holder_id, actor_id)))]


def _pledges(holder_id, actor_id) -> list[tuple]:
    return [(member.created_at, member.pledged_by_id, member.holder_id,
             f"Pledged {format_pence(member.pledged_pence)} to the pool {member.pool.title}",
             f"Pool {member.pool_id}")
            for member in all_of(sa.select(PoolMember).where(_scoped(
                PoolMember.holder_id, PoolMember.pledged_by_id, holder_id, actor_id)))]


def _needs(holder_id, actor_id) -> list[tuple]:
    return [(need.created_at, need.posted_by_id, need.holder_id,
             f"Posted the need “{need.words[:80]}”", f"Need {need.id}")
            for need in all_of(sa.select(Need).where(_scoped(
                Need.holder_id, Need.posted_by_id, holder_id, actor_id)))]


def _enquiries(holder_id, actor_id) -> list[tuple]:
    started = [(enquiry.created_at, enquiry.started_by_id, enquiry.holder_id,
                f"Asked {enquiry.provider.name} about {enquiry.service.title}",
                f"Enquiry {enquiry.id}")
               for enquiry in all_of(sa.select(Enquiry).where(_scoped(
                   Enquiry.holder_id, Enquiry.started_by_id, holder_id, actor_id)))]
    written = [(message.created_at, message.author_id, message.enquiry.holder_id,
                f"Wrote a message to {message.enquiry.provider.name}",
                f"Enquiry {message.enquiry_id}")
               for message in all_of(sa.select(EnquiryMessage).join(Enquiry).where(
                   EnquiryMessage.side == "holder",
                   _scoped(Enquiry.holder_id, EnquiryMessage.author_id, holder_id, actor_id)))]
    return started + written


def actions_on_behalf(*, holder_id: int | None = None, actor_id: int | None = None,
                      viewer: User | None = None) -> list[Action]:
    """Oldest first. `viewer` is who reads them (the holder by default), for the wording."""
    found = (_order_actions(holder_id, actor_id, viewer) + _plan_changes(holder_id, actor_id)
             + _reviews(holder_id, actor_id) + _pledges(holder_id, actor_id)
             + _needs(holder_id, actor_id) + _enquiries(holder_id, actor_id))
    people = {user.id: user for user in all_of(sa.select(User).where(
        User.id.in_({row[1] for row in found} | {row[2] for row in found})))} if found else {}
    organisations = dict(db.session.execute(
        sa.select(OrganisationMember.user_id, ManagedAccountOrganisation.name)
        .join(ManagedAccountOrganisation,
              ManagedAccountOrganisation.id == OrganisationMember.organisation_id)
        .where(OrganisationMember.user_id.in_({row[1] for row in found}))).all()) if found else {}

    def as_what(actor: User) -> str:
        if actor.role == "supporter":
            return "Your supporter"
        if actor.role == "account_manager":
            return f"Staff at {organisations.get(actor.id, 'the organisation holding the budget')}"
        if actor.role == "commissioner":
            return "A commissioner (settling a dispute)"
        return actor.role.replace("_", " ").capitalize()

    return [Action(at=at, actor=people[actor], holder=people[holder],
                   as_what=as_what(people[actor]), what=what, reference=reference)
            for at, actor, holder, what, reference in sorted(found, key=lambda row: row[0])]
