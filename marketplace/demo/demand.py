"""The demo's live demand, written after its reviews (demo/reviews.py), so the commissioners'
views show a market with visible gaps: nobody finds an Urdu-speaking personal assistant in
M8, evening peer support in Oldham is asked for and scarce, a rural district (WN6) finds
little, and a service people say did not help is on the "services to review" list. Also two
enquiries: one the demo provider answered, one still waiting.

Searches go straight into the anonymous search log as the search page writes it (words,
filters, area and how many results: no person), spread over the last 60 days; needs,
enquiries and reviews go through the real services. Deterministic: every row is fixed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.demo.reviews import delivered_order, reviewer_budgets
from marketplace.enquiries import services as enquiries
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.needs.services import NeedDetails
from marketplace.providers.models import Provider, Service
from marketplace.reviews import services as reviews
from marketplace.reviews.hold import publish_due_holds
from marketplace.reviews.models import Review
from marketplace.reviews.services import ReviewDetails
from marketplace.search.models import SearchLogEntry
from marketplace.search.search_log import asked_specialism
from marketplace.times import utcnow

#: (times, words, filters, area, results): the searches people made.
SEARCHES: list[tuple[int, str, dict, str, int]] = [
    (14, "urdu speaking personal assistant", {"category": "personal-assistance",
                                               "language": "ur"}, "M8", 0),
    (6, "PA who speaks Urdu", {"category": "personal-assistance"}, "M8", 0),
    (18, "evening peer support group", {"category": "peer-support", "evenings": "true"},
     "oldham", 1),
    (9, "peer support after work", {"category": "peer-support", "evenings": "true"},
     "oldham", 0),
    (11, "befriending", {"category": "befriending"}, "WN6", 0),
    (8, "someone to go walking with", {"category": "befriending"}, "WN6", 2),
    (25, "art group", {"category": "arts"}, "salford", 12),
    (30, "peer support", {"category": "peer-support"}, "manchester", 9),
    (12, "advocacy", {"category": "advocacy"}, "bolton", 4),
    (20, "gym", {}, "", 15),
    (10, "veterans peer support", {"category": "peer-support"}, "bury", 0),
    (9, "women only walking group", {"category": "befriending"}, "rochdale", 1),
]

#: (holder email, the need's words, category, authority, district, language, timing,
#: specialism).
NEEDS = [
    ("demo-holder-3@example.org", "An Urdu-speaking personal assistant for mornings, to help "
     "me get to appointments and the shops.", "personal-assistance", "manchester", "M8", "ur",
     "daytime", ""),
    ("demo-reviewer-5@example.org", "Someone to walk with once a week near Standish; there "
     "is nothing out here.", "befriending", "wigan", "WN6", "", "any", ""),
    ("demo-reviewer-6@example.org", "A peer group for ex-forces people, somewhere I can talk "
     "to others who served.", "peer-support", "bury", "", "", "evenings", "veterans"),
]

#: Three reviews of one service saying it did not help: it joins "services to review".
POOR_REVIEWS = [
    (2, "no", "Nice enough, but nothing changed for me."),
    (3, "no", "The sessions were not what was described."),
    (3, "partly", "Sometimes useful; often cancelled."),
]


@dataclass(frozen=True)
class DemandSummary:
    searches: int
    needs: int
    enquiries: int


def load_demo_demand() -> DemandSummary:
    """Write the demo's searches, needs, a poorly reviewed service and enquiries. Flushes."""
    now = utcnow()
    rows, made = [], 0
    for times, words, filters, area, results in SEARCHES:
        for number in range(times):
            made += 1
            rows.append(SearchLogEntry(
                query_text=words, filters={**filters, **({"area": area} if area else {})},
                area=area or None, result_count=results, channel="web",
                specialism=asked_specialism(words),
                created_at=now - timedelta(days=(made * 7) % 60, hours=made % 24)))
    db.session.add_all(rows)
    for email, words, category, authority, district, language, timing, specialism in NEEDS:
        holder = _user(email)
        needs.post_need(holder, holder.id, NeedDetails(
            words=words, category=category, local_authority=authority, timing=timing,
            budget_low_pence=4000, budget_high_pence=20000, postcode_district=district,
            language=language, specialism=specialism))
    _poorly_reviewed_service()
    started = _enquiries()
    db.session.flush()
    return DemandSummary(searches=len(rows), needs=len(NEEDS), enquiries=started)


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _poorly_reviewed_service() -> None:
    """A priced service of a provider no other demo review touches, reviewed three times; its
    2-star review has waited out its short hold (the demo's history began before today)."""
    reviewed = sa.select(sa.distinct(Review.provider_id))
    service = db.session.scalar(sa.select(Service).where(
        Service.status == "active", Service.price_pence > 0, Service.price_pence <= 5000,
        Service.provider_id.not_in(reviewed)).order_by(Service.id.desc()).limit(1))
    written = []
    for number, (budget, (stars, helped, words)) in enumerate(
            zip(reviewer_budgets()[-len(POOR_REVIEWS):], POOR_REVIEWS), start=1):
        order = delivered_order(budget, service, key=f"demo-poor-review-{number}")
        written.append(reviews.submit_review(budget.holder, order, ReviewDetails(
            stars=stars, helped=helped, text=words, shown_as="anonymous")).review)
    for review in written:
        if review.hold_until is not None:
            review.hold_until = utcnow() - timedelta(minutes=1)
    db.session.flush()
    publish_due_holds()


def _enquiries() -> int:
    demo_provider = db.session.scalar(
        sa.select(Provider).join(User, User.id == Provider.owner_id)
        .where(User.email == "demo-provider@example.org"))
    service = db.session.scalar(sa.select(Service).where(
        Service.provider_id == demo_provider.id, Service.status == "active")
        .order_by(Service.id).limit(1))
    holder = _user("demo-holder@example.org")
    posted, _ = enquiries.start_enquiry(
        holder, service.id, holder.id,
        "Hello, is the group suitable for someone who gets anxious in new places? Could I "
        "come once to see before booking?", shown_as="Dani")
    enquiries.post_message(demo_provider.owner, posted.message.enquiry_id,
                           "Yes, of course. Many people feel that way at first. Come along "
                           "any week; the first visit is free and you can leave whenever "
                           "you like.")
    other = db.session.scalar(sa.select(Service).where(
        Service.provider_id != demo_provider.id, Service.status == "active",
        Service.category == "personal-assistance").order_by(Service.id).limit(1))
    priya = _user("demo-holder-2@example.org")
    enquiries.start_enquiry(priya, other.id, priya.id,
                            "Do you have anyone who could help on Sunday mornings?")
    return 2
