"""People with a lot on Pathways, for the account closure tests, built through the real
services so every notification, email, ledger line and index entry is made as in real use.

Marigold Fenwick-Osei holds a managed budget (the organisation approves each order) and has
used nearly everything: a plan with an outcome her brother Rowan (her supporter) added, an
order delivered, confirmed and reviewed (Bea's provider replied), an order she cancelled, a
pledge to a pool she then left, a question to the provider with her contact details shared,
a need she closed, an API token, a password reset link she never used and a ready copy of
her data. The words she and others wrote are distinctive, so a scan
of the database can look for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from marketplace.accounts import home_area, password_reset, supporters
from marketplace.api import auth
from marketplace.budgets import plans
from marketplace.budgets import services as budget_services
from marketplace.datarights import exports
from marketplace.enquiries import services as enquiries
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.orders import services as orders
from marketplace.pools import services as pools
from marketplace.reviews import replies
from marketplace.reviews import services as reviews
from marketplace.times import london_today
from tests.factories import (
    make_account_manager,
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)
from tests.mail import deliver_emails

NAME = "Marigold Fenwick-Osei"
EMAIL = "marigold.fenwick@example.org"
ABOUT_ME = "I want to feel steady again after a long winter mostly indoors."
OUTCOME = "Get back to taking photographs with other people on Sundays"
SUPPORTERS_OUTCOME = "Sleep better by walking somewhere green most evenings"
NOTE = "Please ring the bell twice because the knocker is broken."
CANCEL_NOTE = "Changed my mind about the dates for this one."
QUESTION = "Is the hall step-free? I use a wheelchair most days and need a ramp."
ANSWER = "Yes Marigold, there is a ramp at the side door next to the car park."
PROVIDER_NOTE = "Marigold asked for the later start, which suits the group."
NEED = "Looking for someone friendly to walk with me along the canal in the evenings."
REVIEW = "Patient teaching and a kind group; I took my first photos in years."
REPLY = "Thank you Marigold, we look forward to seeing you on Sunday."
TOKEN_NAME = "Marigold's household spreadsheet"
RELATIONSHIP = "my older brother"
POOL_NAME = "Marigold F"


@dataclass
class Holder:
    user: object
    budget: object
    provider: object
    service: object
    group_service: object
    staff: object
    supporter: object
    delivered_order: object
    cancelled_order: object
    pool: object
    review: object
    enquiry: object
    need: object
    token_secret: str
    #: Words that must appear nowhere after she closes (compared case-insensitively).
    secrets: list[str] = field(default_factory=list)


def rich_holder() -> Holder:
    organisation = budget_services.create_managed_account_organisation(
        name="Salford Independent Living", kind="ulo", auto_approve_limit_pence=0)
    db.session.commit()
    staff = make_account_manager(organisation, email="mo@sil.example.org")
    holder = make_user("holder", email=EMAIL, name=NAME)
    home_area.set_home_area(holder, local_authority="salford", postcode_district="M6",
                            interests=["arts"])
    budget = make_funded_budget(holder, amount_pence=50_000, organisation=organisation)
    provider = make_provider(make_user("provider", name="Bea Bright"), name="Bright Days",
                             contact_name="Bea Bright", contact_phone="0161 496 0000")
    service = make_service(provider, title="Photography group", price_pence=2_500,
                           category="arts")
    group = make_service(provider, title="Sunday photo walks", price_pence=1_000,
                         category="arts", is_group=True, capacity=8, poolable=True)

    supporter = make_user("supporter", email="rowan.supporter@example.org", name="Rowan Fenwick")
    _, token = supporters.invite_supporter(holder, email=supporter.email,
                                           relationship=RELATIONSHIP,
                                           scopes=["view", "plan", "buy"])
    supporters.accept_invitation(token, supporter)
    plans.save_plan(holder, about_me=ABOUT_ME, review_on=None, actor=holder)
    outcome = plans.add_outcome(holder, OUTCOME, actor=holder)
    plans.add_outcome(holder, SUPPORTERS_OUTCOME, actor=supporter)
    db.session.commit()

    owner = provider.owner
    delivered = orders.place_order(holder, holder.id, orders.OrderRequest(
        budget_id=budget.id, service_id=service.id, quantity=4, note_to_provider=NOTE,
        outcome_id=outcome.id, outcome_shared=True))
    orders.act_on_order(staff, delivered.id, "approve")
    orders.act_on_order(owner, delivered.id, "accept", note=PROVIDER_NOTE)
    orders.act_on_order(owner, delivered.id, "deliver")
    orders.act_on_order(holder, delivered.id, "confirm")
    cancelled = orders.place_order(supporter, holder.id, orders.OrderRequest(
        budget_id=budget.id, service_id=service.id, quantity=1))
    orders.act_on_order(holder, cancelled.id, "cancel", note=CANCEL_NOTE)
    db.session.commit()

    review = reviews.submit_review(holder, delivered, reviews.ReviewDetails(
        stars=5, helped="yes", text=REVIEW, shown_as="name")).review
    db.session.commit()
    replies.reply_to(owner, review.id, REPLY)
    db.session.commit()

    started = pools.start_pool(holder, holder.id, pools.PoolRequest(
        service_id=group.id, sessions=4, min_members=2, max_members=3,
        deadline_on=london_today() + timedelta(days=14), title="Sunday photo walks together"),
        pools.Pledge(budget.id, POOL_NAME))
    db.session.commit()
    pools.leave_pool(holder, started.member.id)
    db.session.commit()

    posted, _ = enquiries.start_enquiry(holder, service.id, holder.id, QUESTION,
                                        shown_as="Marigold")
    enquiry = posted.message.enquiry
    enquiries.post_message(owner, enquiry.id, ANSWER)
    enquiries.share_contact(holder, enquiry.id)
    db.session.commit()

    need = needs.post_need(holder, holder.id, needs.NeedDetails(
        words=NEED, category="befriending", local_authority="salford", timing="evenings",
        budget_low_pence=1_000, budget_high_pence=5_000, postcode_district="M6"))
    db.session.commit()
    needs.close_need(holder, need.id)
    _, secret = auth.create_token(holder, TOKEN_NAME, ["read"])
    db.session.commit()
    deliver_emails()  # some of what she was told has been sent, some is still queued
    orders.act_on_order(holder, orders.place_order(holder, holder.id, orders.OrderRequest(
        budget_id=budget.id, service_id=service.id, quantity=2)).id, "cancel")
    db.session.commit()
    password_reset.request_password_reset(EMAIL)  # a link, still unused, to her address
    exports.request_export(holder)
    db.session.commit()
    exports.prepare_waiting_exports("closure-test")  # a ready copy of all of this

    return Holder(
        user=holder, budget=budget, provider=provider, service=service, group_service=group,
        staff=staff, supporter=supporter, delivered_order=delivered, cancelled_order=cancelled,
        pool=started.pool, review=review, enquiry=enquiry, need=need, token_secret=secret,
        secrets=["Marigold", "Fenwick-Osei", EMAIL, ABOUT_ME, OUTCOME, SUPPORTERS_OUTCOME,
                 NOTE, CANCEL_NOTE, QUESTION, ANSWER, PROVIDER_NOTE, NEED, REPLY, TOKEN_NAME,
                 RELATIONSHIP, POOL_NAME],
    )
