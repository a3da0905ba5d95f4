"""The parts of a supporter's copy: the people they support (the consent each gave), what they
did on those people's behalf, and whose information they looked at. Of the people they support
it holds only what the supporter sees on the site: their names."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import SupporterGrant, User
from marketplace.accounts.supporters import grant_status, scope_labels
from marketplace.datarights.holder_sections import GRANT_STATUS_WORDS
from marketplace.datarights.models import InformationView
from marketplace.datarights.on_behalf import actions_on_behalf
from marketplace.datarights.parts import Row, section, when
from marketplace.datarights.views_log import describe
from marketplace.extensions import db

SUPPORTER = ("supporter",)


@section("people_you_support", "People you support", "Each person whose invitation to be "
         "their supporter you accepted, what they let you do, and when your access started and "
         "stopped.",
         [("person", "Person"), ("may", "What you may do"), ("status", "Status"),
          ("accepted", "Accepted (London time)"), ("stopped", "Stopped")], roles=SUPPORTER)
def people_you_support(user: User) -> list[Row]:
    return [{"person": grant.holder.display_name,
             "may": "; ".join(scope_labels(grant.scopes, grant.holder)),
             "status": GRANT_STATUS_WORDS[grant_status(grant)],
             "accepted": when(grant.accepted_at), "stopped": when(grant.revoked_at)}
            for grant in db.session.scalars(
                sa.select(SupporterGrant).where(SupporterGrant.supporter_id == user.id)
                .order_by(SupporterGrant.accepted_at, SupporterGrant.id))]


@section("done_for_others", "What you did on others' behalf", "Everything you did for the "
         "people you support: orders, payments, plan changes, reviews, pledges, needs and "
         "enquiries.",
         [("when", "When (London time)"), ("for", "For"), ("what", "What"),
          ("reference", "Reference")], roles=SUPPORTER)
def done_for_others(user: User) -> list[Row]:
    return [{"when": when(action.at), "for": action.holder.display_name, "what": action.what,
             "reference": action.reference}
            for action in actions_on_behalf(actor_id=user.id, viewer=user)]


@section("what_you_looked_at", "Information you looked at for others", "Each time you looked "
         "at the plan, budget or orders of someone you support; they can see this list too.",
         [("when", "When (London time)"), ("whose", "Whose"), ("what", "What"),
          ("how", "How")], roles=SUPPORTER)
def what_you_looked_at(user: User) -> list[Row]:
    views = list(db.session.scalars(
        sa.select(InformationView).where(InformationView.viewer_id == user.id)
        .order_by(InformationView.viewed_at, InformationView.id)))
    holders = {person.id: person.display_name for person in db.session.scalars(
        sa.select(User).where(User.id.in_({view.holder_id for view in views})))} if views else {}
    return [{"when": when(entry.at), "whose": holders[view.holder_id],
             "what": entry.what.replace("Your ", "The ").replace("your ", "the "),
             "how": entry.channel}
            for view, entry in zip(views, describe(views))]
