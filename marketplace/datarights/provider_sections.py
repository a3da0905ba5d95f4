"""The parts of a provider's copy: their provider profile and services, the orders they
received with each order's history, the reviews of their services with their replies,
the enquiries they were asked and their messages, the quotes they gave, their payout details
and the payments made to them.

Of the people who bought, it holds only what the provider sees on the site: the name shown on
the order (a pool member's chosen name for a share of a group purchase), the name an enquirer
chose, a review's author as published, and an order's outcome only if its holder chose to
tell the provider.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.datarights.parts import (Row, all_of, day, label, labels, money,
                                          money_columns, order_history_rows, section, when,
                                          yes_no)
from marketplace.enquiries.models import Enquiry, EnquiryMessage
from marketplace.extensions import db
from marketplace.needs.models import Quote
from marketplace.orders.models import Order
from marketplace.orders.outcome_privacy import outcome_for
from marketplace.orders.queries import order_state_label
from marketplace.payouts.details import masked_account_number, payout_details_for
from marketplace.payouts.models import PayoutItem
from marketplace.pools.provider_view import person_name
from marketplace.providers.models import Provider, Service
from marketplace.reviews.forms import HELPED_CHOICES
from marketplace.reviews.models import Review

PROVIDER = ("provider",)
UNITS = vocabulary.PRICE_UNITS + vocabulary.ORDER_ONLY_UNITS


def _provider(user: User) -> Provider | None:
    return db.session.scalar(sa.select(Provider).where(Provider.owner_id == user.id))


def _received(user: User) -> list[Order]:
    provider = _provider(user)
    if provider is None:
        return []
    return all_of(sa.select(Order).where(Order.provider_id == provider.id)
                .order_by(Order.created_at, Order.id))


@section("provider", "Your provider profile", "What you told us about your organisation: its "
         "kind, whether it is user-led, staff, checks and insurance, and how to contact it.",
         [("provider_id", "Provider number"), ("name", "Name"), ("kind", "Kind of provider"),
          ("description", "About you"), ("user_led", "User-led"),
          ("user_led_statement", "How people who use the services lead it"),
          ("staff", "Staff"), ("dbs_checked_on", "DBS checked on"),
          ("insured", "Insured"), ("insurance", "Insurance"),
          ("insurance_expires_on", "Insurance expires on"),
          ("cqc_registration", "CQC registration number"), ("contact_name", "Contact name"),
          ("contact_email", "Contact email"), ("contact_phone", "Contact phone"),
          ("website", "Website"), ("council", "Based in"), ("postcode_district", "Postcode district"),
          ("created", "Listed (London time)")], roles=PROVIDER)
def provider_profile(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    return [{"provider_id": provider.id, "name": provider.name,
             "kind": label(vocabulary.PROVIDER_TYPES, provider.provider_type),
             "description": provider.description or None, "user_led": yes_no(provider.is_user_led),
             "user_led_statement": provider.user_led_statement or None,
             "staff": provider.staff_count, "dbs_checked_on": day(provider.dbs_checked_on),
             "insured": yes_no(provider.has_insurance),
             "insurance": provider.insurance_details or None,
             "insurance_expires_on": day(provider.insurance_expires_on),
             "cqc_registration": provider.cqc_registration_number or None,
             "contact_name": provider.contact_name or None,
             "contact_email": provider.contact_email or None,
             "contact_phone": provider.contact_phone or None, "website": provider.website or None,
             "council": areas.authority_name(provider.local_authority)
             if provider.local_authority else None,
             "postcode_district": provider.postcode_district or None,
             "created": when(provider.created_at)}]


@section("services", "Your services", "Each service you listed, including paused and removed "
         "ones, as you described it.",
         [("service_id", "Service number"), ("title", "Title"), ("description", "Description"),
          ("kind", "Kind of support"), ("how", "How it is given"), ("areas", "Areas served"),
          ("postcode_districts", "Postcode districts served"), ("languages", "Languages"),
          ("specialisms", "Specialisms"), ("accessibility", "Accessibility"),
          ("when_it_runs", "When it runs"), *money_columns("price", "Price"),
          ("unit", "Priced per"), ("group", "Group"), ("places", "Places"),
          ("can_be_pooled", "Can be pooled"), ("status", "Status"),
          ("reviews", "Published reviews"), ("created", "Listed (London time)")], roles=PROVIDER)
def services(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    return [{"service_id": service.id, "title": service.title, "description": service.description,
             "kind": label(vocabulary.CATEGORIES, service.category),
             "how": labels(vocabulary.DELIVERY_MODES, service.delivery_modes),
             "areas": "; ".join(areas.authority_name(slug) for slug in service.local_authorities),
             "postcode_districts": "; ".join(service.postcode_districts or []),
             "languages": labels(vocabulary.LANGUAGES, service.languages),
             "specialisms": labels(vocabulary.SPECIALISMS, service.specialisms),
             "accessibility": service.accessibility or None,
             "when_it_runs": service.schedule or None, **money("price", service.price_pence),
             "unit": label(UNITS, service.price_unit), "group": yes_no(service.is_group),
             "places": service.capacity, "can_be_pooled": yes_no(service.poolable),
             "status": service.status.capitalize(), "reviews": service.review_count,
             "created": when(service.created_at)}
            for service in all_of(sa.select(Service).where(Service.provider_id == provider.id)
                                .order_by(Service.id))]


@section("orders_received", "Orders you received", "Each order for your services: for whom "
         "(the name shown to you), what, how many, the price, and where it has got to.",
         [("order_id", "Order number"), ("placed", "Placed (London time)"),
          ("for", "For"), ("service", "Service"), ("quantity", "How many"),
          *money_columns("unit_price", "Price each"), ("unit", "Priced per"),
          *money_columns("total", "Total"), ("starts_on", "Starts on"), ("ends_on", "Ends on"),
          ("note_from_them", "Their note to you"), ("for_outcome", "What it is for"),
          ("state", "Where it has got to"), ("delivered", "Marked delivered")], roles=PROVIDER)
def orders_received(user: User) -> list[Row]:
    rows = []
    for order in _received(user):
        outcome = outcome_for(user, order)
        rows.append({"order_id": order.id, "placed": when(order.created_at),
                     "for": person_name(user, order), "service": order.service_title,
                     "quantity": order.quantity, **money("unit_price", order.unit_price_pence),
                     "unit": label(UNITS, order.price_unit), **money("total", order.total_pence),
                     "starts_on": day(order.starts_on), "ends_on": day(order.ends_on),
                     "note_from_them": order.note_to_provider or None,
                     "for_outcome": outcome.text if outcome else None,
                     "state": order_state_label(order), "delivered": when(order.delivered_at)})
    return rows


@section("orders_received_history", "What happened to each order you received", "Each step "
         "of each order you received, as its history shows it to you.",
         [("order_id", "Order number"), ("when", "When (London time)"),
          ("what_happened", "What happened"), ("note", "Note")], roles=PROVIDER)
def orders_received_history(user: User) -> list[Row]:
    return order_history_rows(_received(user), user)


@section("reviews_of_your_services", "Reviews of your services and your replies", "Each "
         "published review of your services, as everyone sees it, with your reply.",
         [("review_id", "Review number"), ("service", "Service"), ("by", "By"),
          ("stars", "Stars"), ("helped", "Did it help"), ("words", "Words"),
          ("published", "Published (London time)"), ("your_reply", "Your reply"),
          ("reply_state", "Your reply's state"), ("replied", "Replied")], roles=PROVIDER)
def reviews_of_your_services(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    return [{"review_id": review.id, "service": review.service.title, "by": review.author_label,
             "stars": review.stars, "helped": label(HELPED_CHOICES, review.helped),
             "words": review.text or None, "published": when(review.published_at),
             "your_reply": review.reply.text if review.reply else None,
             "reply_state": review.reply.state.capitalize() if review.reply else None,
             "replied": when(review.reply.replied_at) if review.reply else None}
            for review in all_of(sa.select(Review).where(Review.provider_id == provider.id,
                                                       Review.state == "published")
                               .order_by(Review.published_at, Review.id))]


@section("enquiries_received", "Enquiries people sent you", "Each message in the enquiries "
         "people sent you, from either side, by the name each enquirer chose to show you.",
         [("enquiry_id", "Enquiry number"), ("service", "Service"), ("when", "When (London time)"),
          ("from", "From"), ("kind", "Kind"), ("words", "Words")], roles=PROVIDER)
def enquiries_received(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    return [{"enquiry_id": message.enquiry_id, "service": message.enquiry.service.title,
             "when": when(message.created_at),
             "from": "You" if message.side == "provider" else message.enquiry.holder_label,
             "kind": "Shared contact details" if message.kind == "contact" else "Message",
             "words": message.text}
            for message in all_of(sa.select(EnquiryMessage).join(Enquiry)
                                .where(Enquiry.provider_id == provider.id)
                                .order_by(EnquiryMessage.enquiry_id, EnquiryMessage.id))]


@section("quotes_given", "Quotes you gave", "Each quote you gave for a need on the needs board.",
         [("need_id", "Need number"), ("service", "Service"), *money_columns("price", "Price each"),
          ("unit", "Priced per"), ("sessions", "How many"), ("starts_on", "Could start on"),
          ("message", "Your message"), ("open_until", "Open until"), ("state", "State"),
          ("given", "Given (London time)")], roles=PROVIDER)
def quotes_given(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    return [{"need_id": quote.need_id, "service": quote.service.title,
             **money("price", quote.price_pence), "unit": label(UNITS, quote.price_unit),
             "sessions": quote.sessions, "starts_on": day(quote.starts_on),
             "message": quote.message or None, "open_until": day(quote.expires_on),
             "state": quote.state.capitalize(), "given": when(quote.created_at)}
            for quote in all_of(sa.select(Quote).where(Quote.provider_id == provider.id)
                              .order_by(Quote.created_at, Quote.id))]


@section("payments_to_you", "Your payout details and payments to you", "The bank details we "
         "pay you to (the account number by its last four digits, as on your payout details "
         "page), and each payment made to you in a payout run.",
         [("what", "What"), ("account_name", "Account name"), ("sort_code", "Sort code"),
          ("account_number", "Account number"), *money_columns("amount", "Amount"),
          ("reference", "Bank reference"), ("run_state", "Payout run"),
          ("paid", "Paid (London time)")], roles=PROVIDER)
def payments_to_you(user: User) -> list[Row]:
    provider = _provider(user)
    if provider is None:
        return []
    details = payout_details_for(provider)
    rows = []
    if details is not None:
        rows.append({"what": "Payout details", "account_name": details.account_name or None,
                     "sort_code": details.sort_code or None,
                     "account_number": masked_account_number(details) or None,
                     **money("amount", None), "reference": None, "run_state": None,
                     "paid": None})
    rows += [{"what": "Payment", "account_name": None, "sort_code": None, "account_number": None,
              **money("amount", item.amount_pence), "reference": item.reference,
              "run_state": item.run.status.capitalize(), "paid": when(item.run.paid_at)}
             for item in all_of(sa.select(PayoutItem).where(PayoutItem.provider_id == provider.id)
                              .order_by(PayoutItem.id))]
    return rows
