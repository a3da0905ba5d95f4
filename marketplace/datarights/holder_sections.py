"""The parts of a budget holder's copy: budgets and statements, support plan and outcomes,
orders and card payments, pools and pledges, needs and quotes, reviews, enquiries and their
messages, supporters and their consent, who has seen the holder's information, and what
others did on the holder's behalf (on_behalf.py)."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts.models import SupporterGrant, User
from marketplace.accounts.supporters import grant_status, scope_labels
from marketplace.budgets import statements
from marketplace.budgets.models import ROUTES, STREAM_KINDS, Budget, Instalment, SupportPlan
from marketplace.datarights.on_behalf import actions_on_behalf
from marketplace.datarights.parts import (Row, all_of, day, label, money, money_columns,
                                          name_of, order_history_rows, section, when, yes_no)
from marketplace.datarights.views_log import views_for_holder
from marketplace.enquiries.models import Enquiry, EnquiryMessage
from marketplace.extensions import db
from marketplace.needs.forms import TIMING_CHOICES
from marketplace.needs.models import Need, Quote
from marketplace.orders.models import Order
from marketplace.orders.queries import order_state_label
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.pools.models import PoolMember
from marketplace.reviews.forms import HELPED_CHOICES
from marketplace.reviews.models import Review, ReviewAction

HOLDER = ("holder",)
UNITS = vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS
GRANT_STATUS_WORDS = {"active": "Active", "invited": "Invited, not yet accepted",
                      "expired": "Invitation expired", "revoked": "Stopped"}


def _orders(user: User) -> list[Order]:
    return all_of(sa.select(Order).where(Order.holder_id == user.id)
                .order_by(Order.created_at, Order.id))


@section("budgets", "Your budgets", "Each budget you hold: where the money comes from, "
         "whether it is a direct payment or held in a managed account, its period, and its "
         "figures from the ledger when this copy was made.",
         [("budget_id", "Budget number"), ("funding_stream", "Where the money comes from"),
          ("kind", "Kind of budget"), ("route", "How it is paid"), ("held_by", "Held by"),
          ("period_start", "Period starts"), ("period_end", "Period ends"),
          *money_columns("planned", "Planned for the period"),
          *money_columns("paid_in", "Paid in so far"), *money_columns("spent", "Spent"),
          *money_columns("set_aside", "Set aside for orders"),
          *money_columns("available", "Available now")], roles=HOLDER)
def budgets(user: User) -> list[Row]:
    rows = []
    for group in statements.budget_cards(user):
        for card in group.cards:
            budget, balances = card.budget, card.balances
            rows.append({
                "budget_id": budget.id, "funding_stream": budget.stream.name,
                "kind": label(STREAM_KINDS, budget.stream.kind),
                "route": label(ROUTES, budget.route),
                "held_by": budget.managed_by.name if budget.managed_by else None,
                "period_start": day(budget.allocation.period_start),
                "period_end": day(card.period_last_day),
                **money("planned", budget.planned_pence),
                **money("paid_in", balances.allocated_pence),
                **money("spent", balances.spent_pence),
                **money("set_aside", balances.committed_pence),
                **money("available", balances.available_pence)})
    return rows


@section("instalments", "When money is paid into your budgets", "Each instalment of each "
         "budget: when it is due, how much, and whether it has been paid in.",
         [("budget_id", "Budget number"), ("due_on", "Due on"),
          *money_columns("amount", "Amount"), ("paid_in", "Paid in")], roles=HOLDER)
def instalments(user: User) -> list[Row]:
    return [{"budget_id": instalment.budget_id, "due_on": day(instalment.due_on),
             **money("amount", instalment.amount_pence),
             "paid_in": yes_no(instalment.transaction_id is not None)}
            for instalment in all_of(sa.select(Instalment).join(Budget)
                                   .where(Budget.holder_id == user.id)
                                   .order_by(Instalment.budget_id, Instalment.due_on))]


@section("statements", "Your budget statements", "Every movement of money in each budget, "
         "newest first, as on your statement pages: money in, money out, money set aside for "
         "orders not yet paid, what was available after, and who did it.",
         [("budget_id", "Budget number"), ("when", "When (London time)"),
          ("what_happened", "What happened"), *money_columns("money_in", "Money in"),
          *money_columns("money_out", "Money out"),
          *money_columns("set_aside_change", "Change in money set aside"),
          *money_columns("available_after", "Available after"), ("done_by", "Who did it")],
         roles=HOLDER)
def statement_rows(user: User) -> list[Row]:
    rows = []
    for budget in all_of(sa.select(Budget).where(Budget.holder_id == user.id).order_by(Budget.id)):
        found, _ = statements.all_statement_rows(budget)
        rows += [{"budget_id": budget.id, "when": when(row.happened_at),
                  "what_happened": row.description, **money("money_in", row.money_in_pence),
                  **money("money_out", row.money_out_pence),
                  **money("set_aside_change", row.set_aside_change_pence),
                  **money("available_after", row.available_after_pence),
                  "done_by": row.done_by} for row in found]
    return rows


@section("support_plan", "Your support plan", "Your support plan in your own words, when you "
         "mean to look at it again, and who changed it last.",
         [("what_matters_to_you", "What matters to me"), ("review_on", "Look at it again on"),
          ("last_changed", "Last changed (London time)"), ("last_changed_by", "Last changed by")],
         roles=HOLDER)
def support_plan(user: User) -> list[Row]:
    plan = db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == user.id))
    if plan is None:
        return []
    changer = db.session.get(User, plan.updated_by_id) if plan.updated_by_id else None
    return [{"what_matters_to_you": plan.about_me, "review_on": day(plan.review_on),
             "last_changed": when(plan.updated_at), "last_changed_by": name_of(changer)}]


@section("outcomes", "The outcomes in your plan", "Each outcome in your support plan, in "
         "your words, and whether you retired it.",
         [("outcome_id", "Outcome number"), ("outcome", "Outcome"),
          ("added", "Added (London time)"), ("retired", "Retired")], roles=HOLDER)
def outcomes(user: User) -> list[Row]:
    plan = db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == user.id))
    return [{"outcome_id": outcome.id, "outcome": outcome.text, "added": when(outcome.created_at),
             "retired": yes_no(outcome.retired)} for outcome in (plan.outcomes if plan else [])]


@section("orders", "Your orders", "Every order placed from your budgets, by you or for you: "
         "what, from whom, how many, the price, what it was for, and where it has got to.",
         [("order_id", "Order number"), ("placed", "Placed (London time)"),
          ("placed_by", "Placed by"), ("service", "Service"), ("provider", "Provider"),
          ("budget_id", "Budget number"), ("route", "How it is paid"),
          ("quantity", "How many"), *money_columns("unit_price", "Price each"),
          ("unit", "Priced per"), *money_columns("total", "Total"), ("starts_on", "Starts on"),
          ("ends_on", "Ends on"), ("note_to_provider", "Your note to the provider"),
          ("for_outcome", "For the outcome"),
          ("outcome_told_to_provider", "Outcome told to the provider"),
          ("state", "Where it has got to"), ("delivered", "Marked delivered")], roles=HOLDER)
def orders(user: User) -> list[Row]:
    return [{"order_id": order.id, "placed": when(order.created_at),
             "placed_by": order.placed_by.display_name, "service": order.service_title,
             "provider": order.provider.name, "budget_id": order.budget_id,
             "route": label(ROUTES, order.route), "quantity": order.quantity,
             **money("unit_price", order.unit_price_pence),
             "unit": label(UNITS, order.price_unit), **money("total", order.total_pence),
             "starts_on": day(order.starts_on), "ends_on": day(order.ends_on),
             "note_to_provider": order.note_to_provider or None,
             "for_outcome": order.outcome.text if order.outcome else None,
             "outcome_told_to_provider": yes_no(order.outcome_shared),
             "state": order_state_label(order), "delivered": when(order.delivered_at)}
            for order in _orders(user)]


@section("order_history", "What happened to each order", "Each step of each order, oldest "
         "first, as in the order's history: who did what, and any note they wrote.",
         [("order_id", "Order number"), ("when", "When (London time)"),
          ("what_happened", "What happened"), ("note", "Note")], roles=HOLDER)
def order_history(user: User) -> list[Row]:
    return order_history_rows(_orders(user), user)


@section("card_payments", "Card payments and refunds", "Each card payment for your orders, "
         "and each refund to a card: the amount, the last four digits of the card, the receipt "
         "number and who paid. Full card numbers are never held by Pathways.",
         [("order_id", "Order number"), ("kind", "Payment or refund"),
          *money_columns("amount", "Amount"), ("status", "Status"),
          ("card_ending", "Card ending"), ("receipt_number", "Receipt number"),
          ("when", "When (London time)"), ("paid_by", "Paid by")], roles=HOLDER)
def card_payments(user: User) -> list[Row]:
    payments = all_of(sa.select(CardPayment).join(Order).where(Order.holder_id == user.id)
                    .order_by(CardPayment.created_at, CardPayment.id))
    refunds = all_of(sa.select(CardRefund).join(CardPayment).join(Order)
                   .where(Order.holder_id == user.id).order_by(CardRefund.created_at))
    by_payment = {payment.id: payment for payment in payments}
    return [{"order_id": payment.order_id, "kind": "Payment", **money("amount", payment.amount_pence),
             "status": payment.status.replace("_", " "), "card_ending": payment.card_last4 or None,
             "receipt_number": payment.receipt_number or None,
             "when": when(payment.succeeded_at or payment.created_at),
             "paid_by": name_of(payment.paid_by)} for payment in payments] + [
        {"order_id": by_payment[refund.card_payment_id].order_id, "kind": "Refund",
         **money("amount", refund.amount_pence), "status": refund.status.replace("_", " "),
         "card_ending": by_payment[refund.card_payment_id].card_last4 or None,
         "receipt_number": None, "when": when(refund.created_at), "paid_by": None}
        for refund in refunds]


@section("pools", "Pools you joined and your pledges", "Each pool (people buying a group "
         "service together) you pledged to: the pool, the name other members saw you by, what "
         "you pledged and paid, and what became of it. Other members are not listed.",
         [("pool_id", "Pool number"), ("pool", "Pool"), ("service", "Service"),
          ("provider", "Provider"), ("pool_state", "The pool"), ("you_started_it", "You started it"),
          ("your_name_in_the_pool", "The name others saw"), ("budget_id", "Budget number"),
          *money_columns("pledged", "Pledged"), *money_columns("share", "Your share"),
          ("your_pledge", "Your pledge"), ("card_ending", "Card ending"),
          ("pledged_by", "Pledged by"), ("pledged_on", "Pledged (London time)"),
          ("ended", "Ended"), ("share_order_id", "Share order number")], roles=HOLDER)
def pools(user: User) -> list[Row]:
    return [{"pool_id": member.pool_id, "pool": member.pool.title,
             "service": member.pool.service.title, "provider": member.pool.provider.name,
             "pool_state": member.pool.state.capitalize(),
             "you_started_it": yes_no(member.pool.started_by_id == user.id),
             "your_name_in_the_pool": member.display_name, "budget_id": member.budget_id,
             **money("pledged", member.pledged_pence), **money("share", member.share_pence),
             "your_pledge": member.state.capitalize(), "card_ending": member.card_last4 or None,
             "pledged_by": name_of(db.session.get(User, member.pledged_by_id)),
             "pledged_on": when(member.created_at), "ended": when(member.ended_at),
             "share_order_id": member.order_id}
            for member in all_of(sa.select(PoolMember).where(PoolMember.holder_id == user.id)
                               .order_by(PoolMember.created_at, PoolMember.id))]


@section("needs", "Your needs", "Each need you (or a supporter) posted on the needs board, in "
         "your words, with what you asked for.",
         [("need_id", "Need number"), ("posted", "Posted (London time)"),
          ("posted_by", "Posted by"), ("words", "What you need"), ("kind", "Kind of support"),
          ("council", "Council area"), ("postcode_district", "Postcode district"),
          ("language", "Language"), ("when_needed", "When"),
          *money_columns("budget_from", "Budget from"), *money_columns("budget_to", "Budget to"),
          ("would_pool", "Would share with others"), ("for_how_many", "For how many people"),
          ("tell_me_about_others", "Tell me if others near me need the same"),
          ("state", "State"), ("ended", "Ended")], roles=HOLDER)
def needs(user: User) -> list[Row]:
    return [{"need_id": need.id, "posted": when(need.created_at),
             "posted_by": name_of(db.session.get(User, need.posted_by_id)), "words": need.words,
             "kind": label(vocabulary.CATEGORIES, need.category),
             "council": areas.authority_name(need.local_authority),
             "postcode_district": need.postcode_district or None,
             "language": label(vocabulary.LANGUAGES, need.language),
             "when_needed": label(TIMING_CHOICES, need.timing),
             **money("budget_from", need.budget_low_pence),
             **money("budget_to", need.budget_high_pence), "would_pool": yes_no(need.would_pool),
             "for_how_many": need.group_size, "tell_me_about_others": yes_no(need.peers_consent),
             "state": need.state.capitalize(), "ended": when(need.ended_at)}
            for need in all_of(sa.select(Need).where(Need.holder_id == user.id)
                             .order_by(Need.created_at, Need.id))]


@section("quotes", "Quotes for your needs", "Each quote a provider gave for one of your needs.",
         [("need_id", "Need number"), ("provider", "Provider"), ("service", "Service"),
          *money_columns("price", "Price each"), ("unit", "Priced per"),
          ("sessions", "How many"), *money_columns("total", "Total"),
          ("starts_on", "Could start on"), ("message", "Their message"),
          ("open_until", "Open until"), ("state", "State"), ("given", "Given (London time)")],
         roles=HOLDER)
def quotes(user: User) -> list[Row]:
    return [{"need_id": quote.need_id, "provider": quote.provider.name,
             "service": quote.service.title, **money("price", quote.price_pence),
             "unit": label(UNITS, quote.price_unit), "sessions": quote.sessions,
             **money("total", quote.total_pence), "starts_on": day(quote.starts_on),
             "message": quote.message or None, "open_until": day(quote.expires_on),
             "state": quote.state.capitalize(), "given": when(quote.created_at)}
            for quote in all_of(sa.select(Quote).join(Need).where(Need.holder_id == user.id)
                              .order_by(Quote.created_at, Quote.id))]


def _moderators_note(review: Review) -> str | None:
    """The reason a moderator gave the author (a rejection, or details edited out)."""
    action = db.session.scalar(
        sa.select(ReviewAction).where(ReviewAction.review_id == review.id,
                                      ReviewAction.action.in_(("reject", "edit", "remove")))
        .order_by(ReviewAction.id.desc()).limit(1))
    return action.reason or None if action else None


@section("reviews", "Your reviews", "Each review of your orders, by you or for you: stars, "
         "whether it helped, your words, how your name was shown, why it was held for a "
         "moderator if it was, and the provider's public reply.",
         [("review_id", "Review number"), ("order_id", "Order number"), ("service", "Service"),
          ("provider", "Provider"), ("written", "Written (London time)"),
          ("written_by", "Written by"), ("stars", "Stars"), ("helped", "Did it help"),
          ("about_outcome", "With the outcome"), ("words", "Words"),
          ("shown_as", "Shown as"), ("state", "State"), ("published", "Published"),
          ("why_held", "Why it was held"), ("moderators_note", "The moderator's note"),
          ("provider_reply", "The provider's reply")], roles=HOLDER)
def reviews(user: User) -> list[Row]:
    return [{"review_id": review.id, "order_id": review.order_id, "service": review.service.title,
             "provider": review.provider.name, "written": when(review.created_at),
             "written_by": review.written_by.display_name, "stars": review.stars,
             "helped": label(HELPED_CHOICES, review.helped),
             "about_outcome": review.outcome.text if review.outcome else None,
             "words": review.text or None,
             "shown_as": "Anonymous" if review.shown_as == "anonymous" else "Your name",
             "state": review.state.capitalize(), "published": when(review.published_at),
             "why_held": "; ".join(review.held_reasons or []) or None,
             "moderators_note": _moderators_note(review),
             "provider_reply": (review.reply.text if review.reply is not None
                                and review.reply.state == "published" else None)}
            for review in all_of(sa.select(Review).where(Review.holder_id == user.id)
                               .order_by(Review.created_at, Review.id))]


@section("enquiries", "Your enquiries", "Each question you (or a supporter) asked a provider "
         "before buying, and the name the provider saw you by.",
         [("enquiry_id", "Enquiry number"), ("service", "Service"), ("provider", "Provider"),
          ("started", "Started (London time)"), ("started_by", "Started by"),
          ("name_the_provider_saw", "The name the provider saw"), ("state", "State"),
          ("closed", "Closed"), ("contact_details_shared", "Your contact details shared")],
         roles=HOLDER)
def enquiries(user: User) -> list[Row]:
    return [{"enquiry_id": enquiry.id, "service": enquiry.service.title,
             "provider": enquiry.provider.name, "started": when(enquiry.created_at),
             "started_by": name_of(db.session.get(User, enquiry.started_by_id)),
             "name_the_provider_saw": enquiry.holder_label, "state": enquiry.state.capitalize(),
             "closed": when(enquiry.closed_at), "contact_details_shared": when(enquiry.contact_shared_at)}
            for enquiry in all_of(sa.select(Enquiry).where(Enquiry.holder_id == user.id)
                                .order_by(Enquiry.created_at, Enquiry.id))]


@section("enquiry_messages", "Messages in your enquiries", "Every message in your enquiries, "
         "from either side, oldest first.",
         [("enquiry_id", "Enquiry number"), ("when", "When (London time)"), ("from", "From"),
          ("kind", "Kind"), ("words", "Words")], roles=HOLDER)
def enquiry_messages(user: User) -> list[Row]:
    def sender(message: EnquiryMessage) -> str:
        if message.side == "provider":
            return message.enquiry.provider.name
        if message.author_id == user.id:
            return "You"
        return f"{message.author.display_name} (for you)"

    return [{"enquiry_id": message.enquiry_id, "when": when(message.created_at),
             "from": sender(message),
             "kind": "Shared contact details" if message.kind == "contact" else "Message",
             "words": message.text}
            for message in all_of(sa.select(EnquiryMessage).join(Enquiry)
                                .where(Enquiry.holder_id == user.id)
                                .order_by(EnquiryMessage.enquiry_id, EnquiryMessage.id))]


@section("supporters", "Your supporters and what you agreed to", "Each person you invited "
         "to help you, what you let them do, and when you invited them, when they accepted "
         "and when their access stopped.",
         [("supporter", "Person"), ("email", "Email address"),
          ("relationship", "Who they are to you"), ("may", "What they may do"),
          ("status", "Status"), ("invited", "Invited (London time)"), ("accepted", "Accepted"),
          ("stopped", "Stopped")], roles=HOLDER)
def supporters(user: User) -> list[Row]:
    return [{"supporter": grant.supporter.display_name if grant.supporter else None,
             "email": grant.supporter.email if grant.supporter else grant.invite_email,
             "relationship": grant.relationship_text or None,
             "may": "; ".join(scope_labels(grant.scopes)),
             "status": GRANT_STATUS_WORDS[grant_status(grant)], "invited": when(grant.created_at),
             "accepted": when(grant.accepted_at), "stopped": when(grant.revoked_at)}
            for grant in all_of(sa.select(SupporterGrant).where(SupporterGrant.holder_id == user.id)
                              .order_by(SupporterGrant.created_at, SupporterGrant.id))]


@section("who_has_seen", "Who has seen your information", "Each time a supporter, or staff "
         "of the organisation holding your managed account, looked at your plan, budget or "
         "orders, newest first (the same list as your \"Who has seen my information\" page).",
         [("when", "When (London time)"), ("who", "Who"), ("as", "As"), ("what", "What"),
          ("how", "How")], roles=HOLDER)
def who_has_seen(user: User) -> list[Row]:
    return [{"when": when(entry.at), "who": entry.who, "as": entry.as_what, "what": entry.what,
             "how": entry.channel} for entry in views_for_holder(user.id)]


@section("done_for_you", "What others did on your behalf", "Everything a supporter, or staff "
         "of the organisation holding your managed account, did for you: orders they placed, "
         "paid, approved or acted on, changes to your plan, reviews, pledges, needs and "
         "enquiries.",
         [("when", "When (London time)"), ("who", "Who"), ("as", "As"), ("what", "What"),
          ("reference", "Reference")], roles=HOLDER)
def done_for_you(user: User) -> list[Row]:
    return [{"when": when(action.at), "who": action.actor.display_name, "as": action.as_what,
             "what": action.what, "reference": action.reference}
            for action in actions_on_behalf(holder_id=user.id)]
